package io.fooproxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.fooproxy.proto.stats.v1.Stats;
import io.fooproxy.testkit.fixture.JavaProcess;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reference server + backend + frontend as real processes: every reporting surface shows the
 * exact counts, and the moving rates read the offered load.
 */
class StatsE2ETest {
    @TempDir
    Path dir;

    private FooSystem system;
    private JavaProcess backend;
    private JavaProcess frontend;

    @BeforeEach
    void setUp() {
        system = new FooSystem(dir);
        system.startUpstream();
        backend = system.startBackend();
        frontend = system.startFrontend();
    }

    @AfterEach
    void tearDown() {
        system.close();
    }

    @Test
    void tenClientRunsShowExactlyThousandRequestsAndAnswersOnEverySurface() {
        for (int run = 0; run < 10; run++) {
            FooSystem.ToolRun client = system.client(100, 1, 1);
            assertThat(client.stdout()).as(client.stderr()).endsWith("OK!");
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            StatsLine stats = system.httpStats();
            assertThat(stats.integer("msg_req")).isEqualTo(1000);
            assertThat(stats.responses()).isEqualTo(1000);
        });
        StatsLine http = system.httpStats();
        assertThat(http.integer("msg_total")).isEqualTo(2000);
        assertThat(http.integer("msg_invalid")).isZero();
        // ten client runs, plus the one probe that saw the frontend's port open at start-up
        assertThat(http.integer("connections_total")).isEqualTo(10 + 1);

        Stats grpc = system.grpcStats();
        assertThat(grpc.getMsgReq()).isEqualTo(1000);
        assertThat(grpc.getMsgAck() + grpc.getMsgNak()).isEqualTo(1000);
        assertThat(grpc.getMsgAck()).isEqualTo(http.integer("msg_ack"));

        FooSystem.ToolRun cli = system.cli("stats");
        assertThat(cli.exitCode()).as(cli.stderr()).isZero();
        StatsLine cliStats = new StatsLine(cli.stdout().strip());
        assertThat(cliStats.integer("msg_req")).isEqualTo(1000);
        assertThat(cliStats.responses()).isEqualTo(1000);

        StatsLine backendSignal = FooSystem.statsOnSignal(backend);
        assertThat(backendSignal.integer("msg_req")).isEqualTo(1000);
        assertThat(backendSignal.responses()).isEqualTo(1000);

        StatsLine frontendSignal = FooSystem.statsOnSignal(frontend);
        assertThat(frontendSignal.string("source")).isEqualTo("backend");
        assertThat(frontendSignal.integer("msg_req")).isEqualTo(1000);
        assertThat(frontendSignal.responses()).isEqualTo(1000);
        // stdout carries stats lines only
        assertThat(frontend.stdoutLines()).allMatch(l -> l.startsWith("{\"msg_total\":"));
        assertThat(backend.stdoutLines()).allMatch(l -> l.startsWith("{\"msg_total\":"));

        String metrics = system.http("/metrics").body();
        assertThat(metric(metrics, "foo_messages_total{type=\"req\"}")).isEqualTo(1000);
        assertThat(metric(metrics, "foo_messages_total{type=\"ack\"}") + metric(metrics, "foo_messages_total{type=\"nak\"}"))
                .isEqualTo(1000);
        assertThat(metrics).contains("# HELP foo_messages_total", "# TYPE foo_messages_total counter");

        FooSystem.ToolRun health = system.cli("health");
        assertThat(health.exitCode()).as(health.stdout() + health.stderr()).isZero();
        HttpResponse<String> healthHttp = system.http("/health");
        assertThat(healthHttp.statusCode()).isEqualTo(200);
    }

    @Test
    void steadyLoadReadsItsRateInBothWindows() {
        int rate = 2_000;
        JavaProcess load = system.start("load", FooJars.testkit(), List.of("load",
                "-connect", "127.0.0.1:" + system.proxyPort, "-connections", "4", "-depth", "4",
                "-rate", Integer.toString(rate), "-duration", "16"));

        // the 10 s window is full 10 s after the load started; allow the JVMs a few seconds more
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            StatsLine stats = system.httpStats();
            assertThat(stats.number("request_rate_10s")).isCloseTo(rate, within(rate * 0.05));
            assertThat(stats.number("request_rate_1s")).isCloseTo(rate, within(rate * 0.05));
            assertThat(stats.number("response_rate_10s")).isCloseTo(rate, within(rate * 0.05));
            assertThat(stats.number("response_rate_1s")).isCloseTo(rate, within(rate * 0.05));
        });

        // and once the load is over, the totals are exactly what the generator counted
        int exit = load.awaitExit(Duration.ofSeconds(40)).orElseThrow();
        String result = load.stdoutLines().get(load.stdoutLines().size() - 1);
        assertThat(exit).as(result).isZero();
        long sent = new StatsLine(result).integer("requests_sent");
        long answered = new StatsLine(result).integer("answers_received");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            StatsLine stats = system.httpStats();
            assertThat(stats.integer("msg_req")).isEqualTo(sent);
            assertThat(stats.responses()).isEqualTo(answered);
        });
    }

    @Test
    void frontendPrintsItsOwnFiguresWhenTheBackendIsDown() {
        FooSystem.ToolRun client = system.client(50, 1, 1);
        assertThat(client.stdout()).endsWith("OK!");
        backend.stop(Duration.ofSeconds(20));

        StatsLine line = FooSystem.statsOnSignal(frontend);

        assertThat(line.string("source")).isEqualTo("frontend-local");
        assertThat(line.string("backend_error")).isNotEmpty();
        assertThat(line.integer("msg_req")).isEqualTo(50);
        assertThat(line.responses()).isEqualTo(50);
        FooSystem.ToolRun cli = system.cli("stats");
        assertThat(cli.exitCode()).isEqualTo(2);
    }

    private static long metric(String exposition, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+]+)$").matcher(exposition);
        assertThat(m.find()).as("series %s in\n%s", series, exposition).isTrue();
        return (long) Double.parseDouble(m.group(1));
    }
}
