package io.fooproxy.frontend.stats;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts events in 100 ms ticks over the last 12.8 s, for the 1 s and 10 s rates, in a fixed
 * array: constant memory, no allocation, lock-free from any number of event-loop threads.
 *
 * <p>Each cell packs the tick it belongs to (high 34 bits) with that tick's count (low 30
 * bits), so a cell from an older lap of the ring is recognised and restarted with one CAS.
 * Rates are read over the last whole ticks (the current, partial tick is left out), so a
 * steady rate reads true and lags by at most one tick.
 *
 * <p>Striped by thread: every sniffed message of every event loop lands here, and one shared
 * cell per 100 ms tick made the event loops bounce that cache line between the cores with a CAS
 * per message. Each thread picks a stripe by its id (the few event loops get different ones
 * unless their ids collide, which only costs the old contention); a rate sums the stripes.
 */
final class RateWindow {
    static final long TICK_MILLIS = 100;
    private static final int SLOTS = 128; // > 10 s / 100 ms + 1: the 10 s window never laps itself
    private static final int COUNT_BITS = 30;
    private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;

    private static final int STRIPES = 8; // a power of two, above the event loops of a small box

    private final AtomicLongArray[] stripes = new AtomicLongArray[STRIPES];
    private final long originMillis;

    RateWindow(long originMillis) {
        this.originMillis = originMillis;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new AtomicLongArray(SLOTS);
        }
    }

    /** {@code count} (at least 1) events at {@code nowMillis}. */
    void record(long nowMillis, int count) {
        long tick = tick(nowMillis);
        int slot = (int) (tick & (SLOTS - 1));
        AtomicLongArray cells = stripes[(int) Thread.currentThread().getId() & (STRIPES - 1)];
        while (true) {
            long cell = cells.get(slot);
            long cellTick = cell >>> COUNT_BITS;
            long next;
            if (cellTick == tick) {
                long counted = cell & COUNT_MASK;
                if (counted == COUNT_MASK) {
                    return; // a billion events in 100 ms: saturate rather than spill into the tick
                }
                next = cell - counted + Math.min(COUNT_MASK, counted + count);
            } else if (cellTick < tick) {
                next = (tick << COUNT_BITS) | Math.min(COUNT_MASK, count);
            } else {
                return; // this thread was stalled for a whole lap: its event is long out of every window
            }
            if (cells.compareAndSet(slot, cell, next)) {
                return;
            }
        }
    }

    /** Events per second over the {@code windowMillis} (a multiple of 100, at most 10 s) before now. */
    double perSecond(long nowMillis, long windowMillis) {
        long ticks = windowMillis / TICK_MILLIS;
        long current = tick(nowMillis);
        long sum = 0;
        for (long t = current - ticks; t < current; t++) {
            if (t < 0) {
                continue;
            }
            for (AtomicLongArray cells : stripes) {
                long cell = cells.get((int) (t & (SLOTS - 1)));
                if (cell >>> COUNT_BITS == t) {
                    sum += cell & COUNT_MASK;
                }
            }
        }
        return sum * 1000.0 / (ticks * TICK_MILLIS);
    }

    private long tick(long nowMillis) {
        // a clock stepping back before the start lands in tick 0 instead of corrupting the cells
        return Math.max(0, nowMillis - originMillis) / TICK_MILLIS;
    }
}
