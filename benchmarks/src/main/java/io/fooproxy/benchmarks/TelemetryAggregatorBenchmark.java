package io.fooproxy.benchmarks;

import io.fooproxy.frontend.sniff.MessageType;
import io.fooproxy.frontend.telemetry.TelemetryAggregator;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The frontend's window aggregation: {@code onMessage} is on the relay's hot path (once per
 * sniffed message, from the event loops); {@code drain} runs every flush interval on the
 * publisher's thread. The drain benchmark counts 50 ms worth of messages at 20 k msg/s spread
 * over 50 distinct milliseconds (one flush interval under load), then drains them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TelemetryAggregatorBenchmark {
    static final int MESSAGES_PER_DRAIN = 1000;
    static final int MILLIS_PER_DRAIN = 50;

    private TelemetryAggregator live;
    private TelemetryAggregator stepped;
    private SteppingClock clock;
    private long n;

    @Setup(Level.Trial)
    public void setUp() {
        live = new TelemetryAggregator(Clock.systemUTC());
        clock = new SteppingClock(System.currentTimeMillis());
        stepped = new TelemetryAggregator(clock);
    }

    @Benchmark
    public void onMessage() {
        live.onMessage((n++ & 1) == 0 ? MessageType.REQ : MessageType.ACK);
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES_PER_DRAIN)
    public void onMessageThenDrain(Blackhole bh) {
        for (int i = 0; i < MESSAGES_PER_DRAIN; i++) {
            if (i % (MESSAGES_PER_DRAIN / MILLIS_PER_DRAIN) == 0) {
                clock.advance();
            }
            stepped.onMessage(i % 2 == 0 ? MessageType.REQ : MessageType.ACK);
        }
        clock.advance();
        bh.consume(stepped.drain());
    }

    /** A clock the benchmark moves one millisecond at a time, so buckets are distinct and drainable. */
    static final class SteppingClock extends Clock {
        private long millis;

        SteppingClock(long start) {
            this.millis = start;
        }

        void advance() {
            millis++;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public java.time.Instant instant() {
            return java.time.Instant.ofEpochMilli(millis);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
