package io.fooproxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fooproxy.e2e.FooSystem.LoadRun;
import io.fooproxy.testkit.fixture.JavaProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection on the telemetry link: the frontend's backend accepts the connection and
 * then never reads ({@link StalledBackend}). The relay must not notice, and the frontend must
 * keep what it holds for the backend within its cap however long this lasts.
 */
class TelemetryStallE2ETest {
    private static final Duration LOAD_END = Duration.ofSeconds(60);
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private FooSystem system;
    private StalledBackend stalled;

    @BeforeEach
    void setUp() {
        system = new FooSystem(dir);
        stalled = StalledBackend.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        system.close();
        stalled.close();
    }

    @Test
    void aBackendThatAcceptsButNeverReadsNeitherSlowsTheRelayNorGrowsTheFrontendsMemory() {
        system.startUpstream();
        system.startBackend();

        // the same short, unthrottled run through a frontend with a working backend ...
        JavaProcess working = system.startFrontend();
        LoadRun withBackend = FooSystem.awaitLoad(unthrottledLoad(), LOAD_END);
        assertClean(withBackend);
        assertThat(working.stop(Duration.ofSeconds(20))).isZero();

        // ... and through one whose backend is stalled
        JavaProcess frontend = system.startFrontendWithBackendAt(stalled.port());
        LoadRun withStall = FooSystem.awaitLoad(unthrottledLoad(), LOAD_END);
        assertClean(withStall);
        assertThat(stalled.connections()).as("the frontend reached the stalled backend").isPositive();
        // a correctness check, not a benchmark: the relay does not wait for telemetry
        assertThat(withStall.answersPerSecond())
                .as("answers/s with a stalled backend (%s) vs a working one (%s)",
                        withStall.json(), withBackend.json())
                .isGreaterThanOrEqualTo(0.5 * withBackend.answersPerSecond());
        long heapAfterBurst = FooSystem.liveHeapBytes(frontend);

        // longer than the 10 s a 1 ms bucket is kept: from then on old buckets are merged
        LoadRun steady = FooSystem.awaitLoad(system.startLoad(4, 4, 2_000, 11), LOAD_END);
        assertClean(steady);

        StatsLine line = FooSystem.statsOnSignal(frontend);
        assertThat(line.string("source")).isEqualTo("frontend-local");
        assertThat(line.integer("msg_req")).isEqualTo(withStall.requestsSent() + steady.requestsSent());
        // the frontend's own rates, from its sampled totals: most of the last 10 s ran at 2 000 REQs/s
        assertThat(line.number("request_rate_10s")).isBetween(1_000.0, 2_200.0);
        assertThat(line.number("response_rate_10s")).isBetween(1_000.0, 2_200.0);
        StatsLine publisher = line.object("publisher");
        assertThat(publisher.integer("batches_sent")).isPositive();
        assertThat(publisher.integer("batches_acked")).isZero();
        assertThat(publisher.integer("unacked_batches")).isBetween(1L, 65L);
        long cap = publisher.integer("max_buffered_buckets");
        assertThat(cap).isEqualTo(10_000);
        // data is really held (most of the last 10 s of 1 ms buckets), and never beyond the cap
        assertThat(publisher.integer("buffered_buckets")).isGreaterThan(cap / 2).isLessThanOrEqualTo(cap);
        assertThat(publisher.integer("oldest_unacked_age_millis")).isGreaterThan(10_000);

        long heapLater = FooSystem.liveHeapBytes(frontend);
        assertThat(heapLater).as("live heap after %s more messages held for the backend (after the burst: %s)",
                steady.requestsSent() * 2, heapAfterBurst).isLessThan(heapAfterBurst + 16 * MIB);
        assertThat(heapLater).isLessThan(64 * MIB);
        assertThat(frontend.isAlive()).isTrue();
    }

    private JavaProcess unthrottledLoad() {
        return system.startLoad(4, 8, 0, 3, "-warmup", "1s");
    }

    private static void assertClean(LoadRun run) {
        assertThat(run.errors()).as(run.json()).isZero();
        assertThat(run.exitCode()).as(run.json()).isZero();
        assertThat(run.answersReceived()).isEqualTo(run.requestsSent()).isPositive();
    }
}
