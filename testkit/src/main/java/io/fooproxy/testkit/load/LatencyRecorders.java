package io.fooproxy.testkit.load;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One latency histogram per event loop thread, shared by the connections on that loop: no
 * contention, and memory stays per thread rather than per connection (a 3-digit histogram is
 * ~270 KB, too much to give each of thousands of connections). Merged once the run is over.
 */
final class LatencyRecorders {
    static final long HIGHEST_NANOS = TimeUnit.HOURS.toNanos(1);
    private static final int DIGITS = 3;

    private final Queue<Histogram> all = new ConcurrentLinkedQueue<>();
    private final ThreadLocal<Histogram> perThread = ThreadLocal.withInitial(this::newRecorder);

    private Histogram newRecorder() {
        Histogram h = new Histogram(HIGHEST_NANOS, DIGITS);
        all.add(h);
        return h;
    }

    /** The calling event loop's histogram (values in nanoseconds). */
    Histogram current() {
        return perThread.get();
    }

    /** Sum of all histograms; call only after the event loops have stopped. */
    Histogram merged() {
        Histogram merged = new Histogram(HIGHEST_NANOS, DIGITS);
        for (Histogram h : all) {
            merged.add(h);
        }
        return merged;
    }
}
