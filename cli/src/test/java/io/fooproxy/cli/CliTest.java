package io.fooproxy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fooproxy.proto.json.StatsJson;
import io.fooproxy.proto.stats.v1.Analytics;
import io.fooproxy.proto.stats.v1.Latency;
import io.fooproxy.proto.stats.v1.Stats;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CliTest {
    private static final long T0 = 1_767_348_000_000L; // 2026-01-02T10:00:00Z

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private TestBackend backend;

    @AfterEach
    void close() {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void statsPrintsTheStatsJsonLine() throws Exception {
        backend = new TestBackend(List.of(TestBackend.stats(30, 25, 5, T0)), false);
        assertThat(run(backend.channels(), "stats")).isZero();
        assertThat(out()).isEqualTo(StatsJson.toJson(TestBackend.stats(30, 25, 5, T0)) + "\n");
        assertThat(out()).startsWith("{\"msg_total\":60,\"msg_req\":30,\"msg_ack\":25,\"msg_nak\":5,");
        assertThat(err()).isEmpty();
        assertThat(backend.opened).containsExactly(new BackendAddress("127.0.0.1", 9090));
    }

    @Test
    void backendIsAcceptedBeforeAndAfterTheSubcommand() throws Exception {
        backend = new TestBackend(List.of(TestBackend.stats(1, 1, 0, T0)), false);
        assertThat(run(backend.channels(), "-backend", "10.0.0.1:7000", "stats")).isZero();
        assertThat(run(backend.channels(), "stats", "-backend", "[::1]:7001")).isZero();
        assertThat(run(backend.channels(), "--backend=h:1", "stats", "--backend", ":7002")).isZero();
        assertThat(backend.opened).containsExactly(new BackendAddress("10.0.0.1", 7000),
                new BackendAddress("::1", 7001), new BackendAddress("127.0.0.1", 7002));
    }

    @Test
    void aBadBackendAddressIsAnError() throws Exception {
        backend = new TestBackend(List.of(TestBackend.stats(1, 1, 0, T0)), false);
        assertThat(run(backend.channels(), "stats", "-backend", "nohost")).isEqualTo(2);
        assertThat(err()).isEqualTo("error: -backend: expected host:port, got 'nohost'\n");
        assertThat(backend.opened).isEmpty();
    }

    @Test
    void watchPrintsOneLinePerMessageThenCancels() throws Exception {
        backend = new TestBackend(List.of(
                TestBackend.stats(30, 25, 5, T0),
                TestBackend.stats(40, 30, 7, T0 + 1000),
                TestBackend.stats(45, 36, 7, T0 + 2000)), false);
        assertThat(run(backend.channels(), "watch", "-interval", "250ms", "-count", "3")).isZero();
        assertThat(out().lines()).containsExactly(
                "2026-01-02 10:00:00  req=30 ack=25 nak=5  req/s 1s=12.5 10s=9.25  resp/s 1s=11 10s=8.5  new req=- resp=-",
                "2026-01-02 10:00:01  req=40 ack=30 nak=7  req/s 1s=12.5 10s=9.25  resp/s 1s=11 10s=8.5  new req=+10 resp=+7",
                "2026-01-02 10:00:02  req=45 ack=36 nak=7  req/s 1s=12.5 10s=9.25  resp/s 1s=11 10s=8.5  new req=+5 resp=+6");
        assertThat(backend.watchRequests).hasSize(1);
        assertThat(backend.watchRequests.get(0).getIntervalMillis()).isEqualTo(250);
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.cancelledWatches.get() == 1);
    }

    @Test
    void watchAddsLatencyAndInFlightWhenTheBackendSendsAnalytics() throws Exception {
        Stats withAnalytics = TestBackend.stats(30, 25, 5, T0).toBuilder().setAnalytics(Analytics.newBuilder()
                .setLatency1S(Latency.newBuilder().setCount(9).setP50Us(512).setP99Us(1_834))
                .setInFlightRequests(3).setOldestInFlightAgeMillis(12)).build();
        backend = new TestBackend(List.of(withAnalytics), false);
        assertThat(run(backend.channels(), "watch", "-count", "1")).isZero();
        assertThat(out().lines()).containsExactly(
                "2026-01-02 10:00:00  req=30 ack=25 nak=5  req/s 1s=12.5 10s=9.25  resp/s 1s=11 10s=8.5  new req=- resp=-"
                        + "  latency 1s p50=512us p99=1.83ms  in-flight=3 oldest=12ms");
        assertThat(WatchLine.micros(2_345_678)).isEqualTo("2.35s");
    }

    @Test
    void watchReportsAStreamTheBackendEnded() throws Exception {
        backend = new TestBackend(List.of(TestBackend.stats(30, 25, 5, T0)), true);
        assertThat(run(backend.channels(), "watch", "-count", "5")).isEqualTo(1);
        assertThat(out().lines()).hasSize(1);
        assertThat(err()).isEqualTo("watch: the backend 127.0.0.1:9090 ended the stream\n");
    }

    @Test
    void watchGivesUpWhenTheFirstLineDoesNotCome() throws Exception {
        backend = new TestBackend(List.of(), false); // accepts the watch, never sends
        long start = System.nanoTime();
        assertThat(run(backend.channels(), "watch", "-timeout", "300ms")).isEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(err()).isEqualTo("error: backend 127.0.0.1:9090 unreachable (no answer within 300 ms)\n");
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.cancelledWatches.get() == 1);
    }

    @Test
    void watchRejectsAnIntervalOutOfRange() throws Exception {
        backend = new TestBackend(List.of(TestBackend.stats(30, 25, 5, T0)), false);
        assertThat(run(backend.channels(), "watch", "-interval", "10ms")).isEqualTo(2);
        assertThat(err()).startsWith("error: -interval: must be between 100ms and 60s\n");
        assertThat(run(backend.channels(), "watch", "-interval", "soon")).isEqualTo(2);
        assertThat(backend.opened).isEmpty();
    }

    @Test
    void healthServingIsExitZero() throws Exception {
        backend = new TestBackend(List.of(TestBackend.stats(1, 1, 0, T0)), false);
        backend.health.setStatus("", ServingStatus.SERVING);
        backend.health.setStatus("foo.backend.recovery", ServingStatus.SERVING);
        backend.health.setStatus("foo.backend.frontends", ServingStatus.NOT_SERVING);
        backend.health.setStatus("foo.backend.grpc", ServingStatus.SERVING);
        backend.health.setStatus("foo.backend.http", ServingStatus.SERVING);
        backend.health.setStatus("foo.stats.v1.StatsService", ServingStatus.SERVING);
        backend.health.setStatus("foo.telemetry.v1.TelemetryService", ServingStatus.SERVING);

        assertThat(run(backend.channels(), "health")).isZero();
        assertThat(out().lines()).containsExactly(
                "overall SERVING",
                "foo.backend.recovery SERVING",
                "foo.backend.frontends NOT_SERVING",
                "foo.backend.grpc SERVING",
                "foo.backend.http SERVING",
                "foo.stats.v1.StatsService SERVING",
                "foo.telemetry.v1.TelemetryService SERVING");
    }

    @Test
    void healthNotServingIsExitOne() throws Exception {
        backend = new TestBackend(List.of(TestBackend.stats(1, 1, 0, T0)), false);
        backend.health.setStatus("", ServingStatus.NOT_SERVING);
        backend.health.setStatus("foo.backend.recovery", ServingStatus.NOT_SERVING);

        assertThat(run(backend.channels(), "health", "-service", "foo.backend.recovery", "-service", "nope")).isEqualTo(1);
        assertThat(out().lines()).containsExactly(
                "overall NOT_SERVING", "foo.backend.recovery NOT_SERVING", "nope SERVICE_UNKNOWN");
    }

    @Test
    void unreachableBackendIsExitTwoQuickly() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        for (String command : List.of("health", "stats", "watch")) {
            out.reset();
            err.reset();
            long start = System.nanoTime();
            int status = run(new NettyChannelFactory(), command, "-backend", "127.0.0.1:" + closedPort);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(status).as(command).isEqualTo(2);
            assertThat(took).as(command).isLessThan(Duration.ofSeconds(5));
            assertThat(out()).isEmpty();
            assertThat(err()).as(command).startsWith("error: backend 127.0.0.1:" + closedPort + " unreachable (UNAVAILABLE");
            assertThat(err().lines()).hasSize(1);
        }
    }

    @Test
    void aFailureIsOneLineWhateverThePeerSaid() throws Exception {
        backend = new TestBackend(List.of(TestBackend.stats(1, 1, 0, T0)), false);
        // health is not registered for this name: the overall check itself fails
        backend.health.clearStatus("");
        assertThat(run(backend.channels(), "health")).isEqualTo(2);
        assertThat(err()).startsWith("error: backend 127.0.0.1:9090 call failed (NOT_FOUND");
        assertThat(err().lines()).hasSize(1);
    }

    @Test
    void helpAndMissingCommand() throws Exception {
        backend = new TestBackend(List.of(TestBackend.stats(1, 1, 0, T0)), false);
        assertThat(run(backend.channels(), "-help")).isZero();
        assertThat(out()).contains("-backend", "stats", "watch", "health", "top", "Exit status");
        out.reset();
        assertThat(run(backend.channels(), "top", "-help")).isZero();
        assertThat(out()).contains("-n", "-by", "messages|bytes", "-timeout", "-backend");
        out.reset();
        assertThat(run(backend.channels(), "watch", "--help")).isZero();
        assertThat(out()).contains("-interval", "-count", "-backend");
        assertThat(run(backend.channels())).isEqualTo(2);
        assertThat(run(backend.channels(), "frobnicate")).isEqualTo(2);
    }

    private int run(ChannelFactory channels, String... args) {
        return Cli.commandLine(channels, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), ZoneOffset.UTC).execute(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
