package io.fooproxy.e2e;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.fooproxy.testkit.fixture.JavaProcess;
import io.fooproxy.testkit.script.Script;
import io.fooproxy.testkit.script.ScriptedServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The protocol analytics end to end, real processes: the latency the proxy measures is the
 * upstream's service time, every protocol violation made on purpose is counted exactly once,
 * consumption survives a backend restart and resets at its cycle boundary, and the bounded
 * tables stay bounded under 100 000 distinct seqs and 10 000 distinct client addresses.
 */
class AnalyticsE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private FooSystem system;
    private ScriptedServer scripted;

    @AfterEach
    void tearDown() throws IOException {
        if (system != null) {
            system.close();
        }
        if (scripted != null) {
            scripted.close();
        }
    }

    @Test
    void measuredLatencyIsTheUpstreamsServiceTime() {
        // 10 ms rather than 5 so that 5 % (0.5 ms) is well above the timer granularity of the
        // reference server's scheduler; the rule is the same
        system = new FooSystem(dir);
        system.startUpstream("-delay", "10ms", "-fragment", "false");
        system.startBackend();
        system.startFrontend();

        // warm the proxy's JIT first, outside the 10 s window the figures are read from
        FooSystem.LoadRun warmup = FooSystem.awaitLoad(system.startLoad(4, 1, 300, 2), WAIT);
        assertThat(warmup.exitCode()).as(warmup.json()).isZero();

        // the floor: what a client sees talking to the delayed server directly (delay + loopback)
        JavaProcess direct = system.start("direct", FooJars.testkit(), List.of("load",
                "-connect", "127.0.0.1:" + system.upstreamPort, "-connections", "4", "-depth", "1",
                "-rate", "300", "-duration", "8s", "-warmup", "1s"));
        StatsLine floor = new StatsLine(FooSystem.awaitLoad(direct, WAIT).json()).object("latency_us");

        FooSystem.LoadRun run = FooSystem.awaitLoad(system.startLoad(4, 1, 300, 5), WAIT);
        assertThat(run.exitCode()).as(run.json()).isZero();
        StatsLine measured = system.httpStats().lastObject("analytics").object("latency_10s");

        String figures = "proxy " + measured.json() + " direct " + floor.json();
        assertThat(measured.integer("count")).as(figures).isGreaterThan(run.answersReceived() / 2);
        assertThat(measured.number("p50_us")).as(figures).isGreaterThanOrEqualTo(10_000.0)
                .isCloseTo(floor.number("p50"), within(floor.number("p50") * 0.05));
        // The tail also holds the proxy's own scheduling delays on this shared 2-core box, so p99
        // is bounded by what the clients themselves saw through the proxy: each proxy interval
        // lies inside its client's, so every quantile is at most the client's (+1 %: the
        // backend keeps two significant digits).
        StatsLine seenByClients = new StatsLine(run.json()).object("latency_us");
        assertThat(measured.number("p99_us")).as(figures + " clients " + seenByClients.json())
                .isGreaterThanOrEqualTo(10_000.0)
                .isLessThanOrEqualTo(seenByClients.number("p99") * 1.01);

        // and since start, every answer that passed the proxy is one latency sample
        await().atMost(WAIT).untilAsserted(() -> {
            StatsLine stats = system.httpStats();
            assertThat(stats.lastObject("analytics").object("latency_total").integer("count"))
                    .isEqualTo(stats.responses())
                    .isEqualTo(warmup.answersReceived() + run.answersReceived());
        });
    }

    @Test
    void everyViolationMadeOnPurposeIsCountedExactlyOnce() throws IOException {
        // The server answers 2 before 1 (out of order), answers 1 twice (duplicate), answers a
        // seq nobody asked for (unknown), sends a REQ of its own; REQ 4 is never answered.
        scripted = ScriptedServer.start(new InetSocketAddress("127.0.0.1", 0), Script.load("server", script("server",
                "read 3", "send ACK 2 two", "send ACK 1 one", "send NAK 1 again", "send NAK 77",
                "send REQ 9", "read 1")));
        system = new FooSystem(dir);
        system.startBackend();
        system.startFrontendForwardingTo(scripted.port());

        // The client skips seq 3 (non-sequential) and sends an ACK of its own.
        FooSystem.ToolRun client = system.tool(FooJars.testkit(), "client",
                "-connect", "127.0.0.1:" + system.proxyPort, "-script",
                script("client", "send REQ 1", "send REQ 2", "send REQ 4", "read 5", "send ACK 3")
                        .toString());
        assertThat(client.exitCode()).as(client.stdout() + client.stderr()).isZero();

        await().atMost(WAIT).untilAsserted(() -> {
            StatsLine stats = system.httpStats();
            assertThat(stats.integer("connections_active")).isZero();
            StatsLine v = stats.lastObject("analytics").object("violations");
            assertThat(v.integer("out_of_order_answers")).isEqualTo(1);
            assertThat(v.integer("duplicate_answers")).isEqualTo(1);
            assertThat(v.integer("unknown_seq_answers")).isEqualTo(1);
            assertThat(v.integer("requests_from_server")).isEqualTo(1);
            assertThat(v.integer("answers_from_client")).isEqualTo(1);
            assertThat(v.integer("non_sequential_requests")).isEqualTo(1);
            assertThat(v.integer("unanswered_requests")).isEqualTo(1);
            assertThat(v.integer("outstanding_overflow")).isZero();
            assertThat(v.integer("untracked_answers")).isZero();
        });
        StatsLine stats = system.httpStats();
        assertThat(stats.integer("msg_req")).isEqualTo(3);
        assertThat(stats.integer("msg_ack") + stats.integer("msg_nak")).isEqualTo(4);
        // the wrong-direction lines are still invalid lines for the contract's counts
        assertThat(stats.integer("msg_invalid")).isEqualTo(2);
        StatsLine analytics = stats.lastObject("analytics");
        assertThat(analytics.object("latency_total").integer("count")).isEqualTo(2);
        assertThat(analytics.integer("in_flight_requests")).isZero();
        // the scripted connection, and the probe that saw the frontend's port open at start-up
        assertThat(analytics.object("messages_per_connection").integer("count")).isEqualTo(2);
        assertThat(analytics.object("messages_per_connection").number("max")).isEqualTo(7.0);
    }

    @Test
    void consumptionSurvivesABackendCrashAndResetsAtTheCycleBoundary() throws Exception {
        system = new FooSystem(dir);
        system.startUpstream("-nak-percent", "0");
        JavaProcess backend = system.startBackend("-consumption-cycle", "30s");
        system.startFrontend();
        // start early in a cycle so the traffic and the restart both fall inside it
        await().atMost(Duration.ofSeconds(31)).pollInterval(Duration.ofMillis(200))
                .until(() -> millisLeftInCycle() > 15_000);
        long cycleEnd = consumption().integer("cycle_ends_unix_millis");

        FooSystem.ToolRun client = system.client(250, 1, 4);
        assertThat(client.stdout()).as(client.stderr()).endsWith("OK!");
        await().atMost(WAIT).untilAsserted(() -> assertThat(consumption().integer("total_messages")).isEqualTo(500));
        StatsLine before = consumption();
        assertThat(topAddress(before)).isEqualTo("127.0.0.1");

        backend.kill9();
        system.startBackend("-consumption-cycle", "30s");
        await().atMost(WAIT).untilAsserted(() -> {
            StatsLine after = consumption();
            assertThat(after.integer("total_messages")).isEqualTo(500);
            assertThat(after.integer("total_bytes")).isEqualTo(before.integer("total_bytes"));
            assertThat(after.integer("cycle_ends_unix_millis")).isEqualTo(cycleEnd);
            assertThat(topAddress(after)).isEqualTo("127.0.0.1");
        });

        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            StatsLine next = consumption();
            // reset lazily, by the first batch or query after the boundary
            assertThat(next.integer("last_reset_unix_millis")).isBetween(cycleEnd, cycleEnd + 30_000);
            assertThat(next.integer("cycle_started_unix_millis")).isGreaterThanOrEqualTo(cycleEnd);
            assertThat(next.integer("total_messages")).isZero();
            assertThat(next.integer("tracked_clients")).isZero();
        });
    }

    @Test
    void tablesStayBoundedUnderManySeqsAndManyClientAddresses() throws Exception {
        // an upstream that reads everything and never answers: every REQ stays outstanding
        scripted = ScriptedServer.start(new InetSocketAddress("127.0.0.1", 0), Script.load("silent", script("silent", "read 1")));
        system = new FooSystem(dir);
        system.startBackend("-max-tracked-clients", "1000");
        system.startFrontendForwardingTo(scripted.port());

        int seqs = 100_000;
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), system.proxyPort)) {
            StringBuilder reqs = new StringBuilder();
            for (int seq = 1; seq <= seqs; seq++) {
                reqs.append("REQ ").append(seq).append('\n');
            }
            s.getOutputStream().write(reqs.toString().getBytes(US_ASCII));
            s.getOutputStream().flush();
            await().atMost(WAIT).untilAsserted(() -> {
                StatsLine analytics = system.httpStats().lastObject("analytics");
                assertThat(analytics.integer("in_flight_requests")).isEqualTo(4096);
                assertThat(analytics.object("violations").integer("outstanding_overflow"))
                        .isEqualTo(seqs - 4096);
            });
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(
                system.httpStats().lastObject("analytics").object("violations").integer("unanswered_requests"))
                .isEqualTo(4096));

        // 10 000 distinct client addresses, one REQ each, plus one heavy client on 127.0.0.1
        int clients = 10_000;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                InetAddress source = InetAddress.getByAddress(new byte[] {127, 1, (byte) (i / 250), (byte) (1 + i % 250)});
                done.add(pool.submit(() -> sendOneRequest(source, system.proxyPort)));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        await().atMost(WAIT).untilAsserted(() -> {
            StatsLine c = consumption();
            assertThat(c.integer("total_messages")).isEqualTo(seqs + clients);
            assertThat(c.integer("tracked_clients")).isLessThanOrEqualTo(1000);
            assertThat(c.integer("max_tracked_clients")).isEqualTo(1000);
            assertThat(topAddress(c)).isEqualTo("127.0.0.1");
        });
        StatsLine top = consumption().firstOf("top");
        assertThat(top.integer("messages")).isBetween((long) seqs, seqs + top.integer("max_overcount_messages"));
    }

    private static void sendOneRequest(InetAddress source, int port) {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(source, 0));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write("REQ 1\n".getBytes(US_ASCII));
            out.flush();
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            while (in.read() >= 0) {
                // the silent upstream never answers; the proxy ends the stream when we close
            }
        } catch (IOException e) {
            throw new AssertionError("client from " + source + ": " + e.getMessage(), e);
        }
    }

    private StatsLine consumption() {
        return system.httpStats().lastObject("analytics").object("consumption");
    }

    private long millisLeftInCycle() {
        return consumption().integer("cycle_ends_unix_millis") - System.currentTimeMillis();
    }

    private static String topAddress(StatsLine consumption) {
        return consumption.firstOf("top").string("address");
    }

    private Path script(String name, String... steps) throws IOException {
        Path file = dir.resolve(name + ".script");
        Files.writeString(file, String.join("\n", steps) + "\n", US_ASCII);
        return file;
    }
}
