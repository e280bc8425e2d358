package io.fooproxy.frontend.stats;

/**
 * The 1 s and 10 s rates of one running total, from samples of that total taken every {@value
 * #TICK_MILLIS} ms: the window math of the frontend's own figures. A rate is the growth of the
 * total between the newest sample and the newest one at least a window before it, per second of
 * the time between the two (so a late sample does not bend a steady rate).
 *
 * <p>Why samples: the relay's event loops only add to the total (a {@code LongAdder}); they read
 * no clock and touch no shared cell per message. Counting each run of messages into a 100 ms
 * tick of its own, with a clock read and a CAS, took 4 % of the event loops' CPU at 50
 * connections of depth 16 (bench/FINDINGS.md). A message now belongs to the first sample that
 * sees it, at most one tick after it passed, which is the lag the ticks had too.
 *
 * <p>Less history than a window just after the start reads as if there had been nothing before
 * it: "the REQs of the last 10 s, divided by 10". A fixed ring of 128 samples (12.8 s at the
 * nominal pace) holds a 10 s window with room for late samples. Should the kept samples cover
 * less than the window (a sampler catching up on missed runs in a burst), the rate is read over
 * the time they cover.
 *
 * <p>One sampling thread; rates are read from any thread. Both are rare (ten samples a second,
 * a read per stats request), so they simply synchronise.
 */
final class RateWindow {
    static final long TICK_MILLIS = 100;
    private static final int SLOTS = 128; // > 10 s / 100 ms + 1: the 10 s window never laps itself

    private final long[] times = new long[SLOTS];
    private final long[] totals = new long[SLOTS];
    /** Samples taken so far; the newest is at {@code (count - 1) % SLOTS}. */
    private long count;

    /** @param originMillis when the total was 0: the first sample */
    RateWindow(long originMillis) {
        times[0] = originMillis;
        count = 1;
    }

    /** The total was {@code total} at {@code nowMillis}; samples come in time order. */
    synchronized void sample(long nowMillis, long total) {
        int newest = slot(count - 1);
        // a clock stepping back must not make a window read negative time
        long time = Math.max(nowMillis, times[newest]);
        int slot = slot(count);
        times[slot] = time;
        totals[slot] = total;
        count++;
    }

    /** Events per second over the {@code windowMillis} (at most 10 s) before the newest sample. */
    synchronized double perSecond(long windowMillis) {
        int newest = slot(count - 1);
        long oldestKept = Math.max(0, count - SLOTS);
        long end = times[newest];
        long base = count - 1;
        // the newest sample at least a window older than the newest one, or the oldest kept
        while (base > oldestKept && end - times[slot(base)] < windowMillis) {
            base--;
        }
        int from = slot(base);
        long covered = end - times[from];
        if (base == 0) {
            covered = Math.max(covered, windowMillis); // nothing happened before the start
        }
        return covered <= 0 ? 0 : (totals[newest] - totals[from]) * 1000.0 / covered;
    }

    private static int slot(long sample) {
        return (int) (sample % SLOTS);
    }
}
