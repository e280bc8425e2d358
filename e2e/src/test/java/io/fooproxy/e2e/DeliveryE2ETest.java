package io.fooproxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.fooproxy.e2e.FooSystem.LoadRun;
import io.fooproxy.testkit.fixture.JavaProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery guarantees with real processes, under continuous load from the testkit's load
 * generator (a process of its own, whose sent and received counts are exact): whatever happens
 * to the backend (kill -9, a long outage, SIGTERM) or to the frontend (SIGTERM), {@code msg_req}
 * ends equal to the REQs the clients sent and {@code msg_ack + msg_nak} to the answers they
 * received, and the clients never notice. Then the recovery rule's windows after restarts.
 *
 * <p>The frontend reaches the backend through a {@link TelemetryLink}, which forwards
 * transparently except when a test holds the backend's acknowledgements back.
 *
 * <p>A frontend stopped under load closes its clients' connections after its drain, and REQs a
 * client wrote into a connection the frontend no longer reads are counted as sent by the
 * client but never seen by the proxy; so the frontend is stopped between load phases, where
 * the counts stay exact (the SIGTERM test).
 */
class DeliveryE2ETest {
    private static final int RATE = 2_000;
    private static final int CONNECTIONS = 4;
    private static final int DEPTH = 4;
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final Duration LOAD_END = Duration.ofSeconds(60);
    private static final Duration SETTLE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private FooSystem system;
    private TelemetryLink link;
    private JavaProcess backend;
    private JavaProcess frontend;

    @BeforeEach
    void setUp() {
        system = new FooSystem(dir);
        link = TelemetryLink.to(system.grpcPort);
        system.startUpstream();
        backend = system.startBackend();
        frontend = startFrontend();
    }

    @AfterEach
    void tearDown() throws Exception {
        system.close();
        link.close();
    }

    private JavaProcess startFrontend() {
        return system.startFrontendWithBackendAt(link.port());
    }

    /** (a) kill -9 of the backend, restarted after 1 s and again after 15 s, under load. */
    @Test
    void killNineOfTheBackendLosesNothingAcknowledgedAndCountsNothingTwice() {
        JavaProcess load = system.startLoad(CONNECTIONS, DEPTH, RATE, 36);
        awaitRequestsAtLeast(2L * RATE);

        // The first crash comes after a second of batches applied and made durable whose
        // acknowledgements the frontend never got: it resends them all to the next incarnation,
        // which must recognise them from its recovery file.
        awaitFrontendConnected();
        link.holdReplies();
        long before = system.httpStats().integer("msg_req");
        awaitRequestsAtLeast(before + RATE);
        backend.kill9();
        link.cut();
        relayKeepsServing(load, Duration.ofSeconds(1));
        backend = system.startBackend();

        awaitFrontendConnected();
        backend.kill9();
        relayKeepsServing(load, Duration.ofSeconds(15));
        backend = system.startBackend();

        LoadRun run = FooSystem.awaitLoad(load, LOAD_END);
        assertCleanRun(run);
        awaitExactCounts(run.requestsSent(), run.answersReceived());
        StatsLine publisher = FooSystem.statsOnSignal(frontend).object("publisher");
        assertThat(publisher.integer("batches_resent")).isPositive();
        // the resent batches that were durable before the crash were acknowledged, not counted
        assertThat(system.httpStats().integer("batches_duplicate")).isPositive();
    }

    /** (b) the backend stopped for 60 s while traffic flows. */
    @Test
    void aSixtySecondBackendOutageUnderLoadLosesNothingAndHoldsBoundedMemory() {
        JavaProcess load = system.startLoad(CONNECTIONS, DEPTH, RATE, 78);
        awaitRequestsAtLeast(2L * RATE);

        assertThat(backend.stop(STOP_GRACE)).as("backend exit code on SIGTERM").isZero();
        relayKeepsServing(load, Duration.ofSeconds(60));

        StatsLine held = FooSystem.statsOnSignal(frontend);
        assertThat(held.string("source")).isEqualTo("frontend-local");
        StatsLine publisher = held.object("publisher");
        assertThat(publisher.string("backend_connection")).isNotEqualTo("connected");
        assertThat(publisher.integer("buffered_buckets")).isPositive()
                .isLessThanOrEqualTo(publisher.integer("max_buffered_buckets"));
        assertThat(publisher.integer("oldest_unacked_age_millis")).isGreaterThanOrEqualTo(55_000);

        backend = system.startBackend();
        // the frontend kept its last 10 s as 1 ms buckets (older ones merged into totals) and
        // resends them with their timestamps: the windows read the load again at once
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                assertThat(system.httpStats().number("request_rate_10s")).isCloseTo(RATE, within(RATE * 0.1)));
        assertThat(load.isAlive()).as("the load still runs").isTrue();

        LoadRun run = FooSystem.awaitLoad(load, LOAD_END);
        assertCleanRun(run);
        awaitExactCounts(run.requestsSent(), run.answersReceived());
    }

    /** (c) SIGTERM of each process in turn, each restarted. */
    @Test
    void sigtermOfEitherProcessFlushesAndPersistsEverythingAndExitsZero() {
        // the backend, under load
        JavaProcess load = system.startLoad(CONNECTIONS, DEPTH, RATE, 8);
        awaitRequestsAtLeast(2L * RATE);
        assertThat(backend.stop(STOP_GRACE)).as("backend exit code on SIGTERM").isZero();
        backend = system.startBackend();
        LoadRun first = FooSystem.awaitLoad(load, LOAD_END);
        assertCleanRun(first);

        // the frontend, right as the load ends: once it has exited, its last counts are durable
        assertThat(frontend.stop(STOP_GRACE)).as("frontend exit code on SIGTERM").isZero();
        assertThat(frontend.stderrText()).contains("telemetry flushed: every batch acknowledged by the backend");
        StatsLine afterFrontendStop = system.httpStats();
        assertThat(afterFrontendStop.integer("msg_req")).isEqualTo(first.requestsSent());
        assertThat(afterFrontendStop.responses()).isEqualTo(first.answersReceived());

        // a new frontend incarnation counts on from there
        frontend = startFrontend();
        LoadRun second = FooSystem.awaitLoad(system.startLoad(CONNECTIONS, DEPTH, RATE, 4), LOAD_END);
        assertCleanRun(second);
        long sent = first.requestsSent() + second.requestsSent();
        long answered = first.answersReceived() + second.answersReceived();
        awaitExactCounts(sent, answered);

        // and the backend once more, at rest: its final persist holds everything
        assertThat(backend.stop(STOP_GRACE)).as("backend exit code on SIGTERM").isZero();
        backend = system.startBackend();
        StatsLine restored = system.httpStats();
        assertThat(restored.integer("msg_req")).isEqualTo(sent);
        assertThat(restored.responses()).isEqualTo(answered);
        assertThat(frontend.stop(STOP_GRACE)).as("frontend exit code on SIGTERM").isZero();
    }

    /** (d) the 10 s window rule after backend restarts with gaps of 3 s and 12 s. */
    @Test
    void afterRestartsTheWindowsKeepWhatIsStillCurrentAfterThreeSecondsAndNothingAfterTwelve() {
        int loadSeconds = 3;
        LoadRun run = FooSystem.awaitLoad(system.startLoad(CONNECTIONS, DEPTH, RATE, loadSeconds), LOAD_END);
        long loadEnded = System.currentTimeMillis();
        assertCleanRun(run);
        awaitExactCounts(run.requestsSent(), run.answersReceived());
        awaitEverythingAcknowledged();

        backend.kill9();
        relayKeepsServing(frontend, Duration.ofSeconds(3));
        backend = system.startBackend();
        StatsLine shortGap = system.httpStats();

        long elapsed = shortGap.integer("timestamp_unix_millis") - loadEnded;
        assertThat(elapsed).as("restart within the 10 s the load's data stays current").isLessThan(9_000);
        // The sending ended at most 600 ms before the generator exited; the part of it that is
        // still in the 10 s window is restored (at this speed, all of it), nothing more.
        double stillCurrent = Math.min(1.0, Math.max(0.0, (10_000 - elapsed - 600) / (loadSeconds * 1000.0)));
        double requestsFull = run.requestsSent() / 10.0;
        double responsesFull = run.answersReceived() / 10.0;
        assertThat(shortGap.number("request_rate_10s"))
                .isBetween(requestsFull * stillCurrent * 0.98, requestsFull * 1.02);
        assertThat(shortGap.number("response_rate_10s"))
                .isBetween(responsesFull * stillCurrent * 0.98, responsesFull * 1.02);
        assertThat(shortGap.number("request_rate_1s")).isZero(); // that second is long over
        assertThat(shortGap.number("response_rate_1s")).isZero();
        assertExactTotals(shortGap, run.requestsSent(), run.answersReceived());

        backend.kill9();
        relayKeepsServing(frontend, Duration.ofSeconds(12));
        backend = system.startBackend();
        StatsLine longGap = system.httpStats();

        assertThat(longGap.number("request_rate_10s")).isZero();
        assertThat(longGap.number("response_rate_10s")).isZero();
        assertThat(longGap.number("request_rate_1s")).isZero();
        assertThat(longGap.number("response_rate_1s")).isZero();
        assertExactTotals(longGap, run.requestsSent(), run.answersReceived());
    }

    /**
     * kill -9 of the frontend under load: it holds no disk state, so what it counted since its
     * last batch left is lost (one flush interval, 100 ms, nominally); everything before is in.
     * The clients of the killed frontend see their connections reset, so the generator's counts
     * bound what the frontend saw rather than equal it: every answer a client received went
     * through the frontend's sniffer; a REQ it sent may still have been in flight (at most
     * depth per connection).
     */
    @Test
    void killNineOfTheFrontendLosesAtMostWhatItCountedSinceItsLastBatch() {
        JavaProcess load = system.startLoad(CONNECTIONS, DEPTH, RATE, 5);
        awaitRequestsAtLeast(2L * RATE);
        frontend.kill9();
        LoadRun run = FooSystem.awaitLoad(load, LOAD_END);
        assertThat(run.errors()).as("the killed frontend's clients notice: %s", run.json()).isPositive();
        await().atMost(SETTLE).until(() -> system.httpStats().json().contains("\"connected\":false"));

        StatsLine stats = system.httpStats();
        long lostAnswers = run.answersReceived() - stats.responses();
        long lostRequests = run.requestsSent() - stats.integer("msg_req");
        // 250 ms of the load: the 100 ms flush interval, with room for a busy machine's scheduling
        long bound = RATE / 4;
        assertThat(lostAnswers).as("answers received by clients but not counted (%s; %s)", run.json(), stats.json())
                .isBetween((long) -CONNECTIONS * DEPTH, bound);
        assertThat(lostRequests).as("REQs sent by clients but not counted (%s; %s)", run.json(), stats.json())
                .isBetween(0L, bound + (long) CONNECTIONS * DEPTH);

        // a new incarnation counts on from there, exactly
        frontend = startFrontend();
        long requestsBefore = stats.integer("msg_req");
        long responsesBefore = stats.responses();
        LoadRun after = FooSystem.awaitLoad(system.startLoad(CONNECTIONS, DEPTH, RATE, 2), LOAD_END);
        assertCleanRun(after);
        awaitExactCounts(requestsBefore + after.requestsSent(), responsesBefore + after.answersReceived());
    }

    // ------------------------------------------------------------------ helpers

    private void awaitRequestsAtLeast(long requests) {
        await().atMost(SETTLE).pollInterval(Duration.ofMillis(200))
                .until(() -> system.httpStats().integer("msg_req") >= requests);
    }

    /** The frontend prints the backend's figures and its stream is up (after a restart). */
    private void awaitFrontendConnected() {
        await().atMost(SETTLE).until(() -> {
            StatsLine line = FooSystem.statsOnSignal(frontend);
            return line.string("source").equals("backend")
                    && line.object("publisher").string("backend_connection").equals("connected");
        });
    }

    /** Nothing held by the frontend: every batch is acknowledged, so durable at the backend. */
    private void awaitEverythingAcknowledged() {
        await().atMost(SETTLE).until(() -> {
            StatsLine publisher = FooSystem.statsOnSignal(frontend).object("publisher");
            return publisher.integer("unacked_batches") == 0 && publisher.integer("buffered_buckets") == 0;
        });
    }

    /** Waits out {@code downtime}, failing if the process (the load, the relay) ends meanwhile. */
    private static void relayKeepsServing(JavaProcess process, Duration downtime) {
        Callable<Boolean> alive = process::isAlive;
        await().during(downtime).atMost(downtime.plusSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(alive);
    }

    private static void assertCleanRun(LoadRun run) {
        assertThat(run.errors()).as("client errors: %s", run.json()).isZero();
        assertThat(run.exitCode()).as(run.json()).isZero();
        assertThat(run.requestsSent()).isPositive();
        assertThat(run.answersReceived()).isEqualTo(run.requestsSent());
    }

    /** The backend's totals reach the clients' counts exactly, and stay there. */
    private void awaitExactCounts(long sent, long answered) {
        await().atMost(SETTLE).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertExactTotals(system.httpStats(), sent, answered));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertExactTotals(system.httpStats(), sent, answered));
    }

    private static void assertExactTotals(StatsLine stats, long sent, long answered) {
        assertThat(stats.integer("msg_req")).as("msg_req").isEqualTo(sent);
        assertThat(stats.responses()).as("msg_ack + msg_nak").isEqualTo(answered);
        assertThat(stats.integer("msg_total")).isEqualTo(sent + answered);
    }
}
