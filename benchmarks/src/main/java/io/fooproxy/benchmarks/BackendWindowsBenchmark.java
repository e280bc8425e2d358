package io.fooproxy.benchmarks;

import io.fooproxy.backend.stats.MovingWindows;
import io.fooproxy.backend.stats.StatsAggregator;
import io.fooproxy.proto.telemetry.v1.MessageBucket;
import io.fooproxy.proto.telemetry.v1.TelemetryBatch;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The backend's window aggregation: applying one telemetry batch (a 50 ms flush of a busy
 * frontend: 50 one-millisecond buckets) and reading the figures (the 1 s / 10 s rates over
 * the 10 000-slot window, and the whole stats snapshot a /stats request renders).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BackendWindowsBenchmark {
    static final int BUCKETS_PER_BATCH = 50;

    private StatsAggregator aggregator;
    private MovingWindows windows;
    private TelemetryBatch.Builder batch;
    private long sequence;
    private long now;

    @Setup(Level.Trial)
    public void setUp() {
        aggregator = new StatsAggregator(Clock.systemUTC());
        windows = new MovingWindows();
        now = System.currentTimeMillis();
        batch = TelemetryBatch.newBuilder().setFrontendId("bench:8002").setIncarnation(42);
        for (int i = 0; i < BUCKETS_PER_BATCH; i++) {
            batch.addBuckets(MessageBucket.newBuilder()
                    .setStartUnixMillis(now - BUCKETS_PER_BATCH + i).setRequests(1000).setAcks(900).setNaks(100));
        }
        for (long t = now - MovingWindows.LONG_WINDOW_MILLIS; t < now; t++) { // a full 10 s window
            windows.add(t, 1000, 900, 100, now);
        }
    }

    @Benchmark
    public Object statsAggregatorApply() {
        return aggregator.apply(batch.setSequence(++sequence).setWatermarkUnixMillis(System.currentTimeMillis()).build());
    }

    @Benchmark
    public Object statsAggregatorSnapshot() {
        return aggregator.snapshot();
    }

    @Benchmark
    public void movingWindowsAdd(Blackhole bh) {
        for (int i = 0; i < BUCKETS_PER_BATCH; i++) {
            bh.consume(windows.add(now - BUCKETS_PER_BATCH + i, 1000, 900, 100, now));
        }
    }

    @Benchmark
    public Object movingWindowsRates() {
        return windows.rates(now, now);
    }
}
