package io.fooproxy.frontend.relay;

import static java.util.Objects.requireNonNull;

import io.fooproxy.frontend.config.Limits;
import io.fooproxy.frontend.config.LiveSettings;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs the periodic check of every {@link ConnectionGuard} on one event loop with one scheduled
 * task. A task per connection cost about 80 B of heap (Netty's scheduled task and its runnable),
 * paid 10 000 times by 10 000 idle connections, and kept that many entries in the loop's timer
 * queue; here a connection costs a slot in an array. Each tick reads the clock and the limits
 * once and checks every guard. The tick is a quarter of the shorter idle timeout, 10 ms to 1 s,
 * and follows a reload at the next tick. The task runs only while a guard is registered.
 *
 * <p>Event loop only; {@link Tickers#forLoop} may be called from any thread.
 */
final class GuardTicker {
    private static final long MIN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MAX_TICK_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int MIN_CAPACITY = 16;

    private final EventExecutor loop;
    private final LiveSettings settings;
    private Member[] guards = new Member[MIN_CAPACITY];
    private int size;
    private ScheduledFuture<?> task;
    private long tickNanos;

    private GuardTicker(EventExecutor loop, LiveSettings settings) {
        this.loop = loop;
        this.settings = settings;
    }

    /** The tick for these limits: a quarter of the shorter idle timeout, 10 ms to 1 s. */
    static long tickFor(Limits limits) {
        long shorter = Math.min(limits.clientIdleTimeout().toNanos(), limits.upstreamIdleTimeout().toNanos());
        return Math.max(MIN_TICK_NANOS, Math.min(MAX_TICK_NANOS, shorter / 4));
    }

    /** What a ticker checks: a {@link ConnectionGuard}. Keeps its own place in the ticker. */
    abstract static class Member {
        /** Where the ticker holds it, -1 when it does not. */
        private int tickerSlot = -1;

        /** At a tick: {@code limits} as they are now, {@code now} the tick's {@link System#nanoTime}. */
        abstract void check(Limits limits, long now);
    }

    /** From now on {@code guard} is checked at every tick, until {@link #remove}. */
    void add(Member guard) {
        assert loop.inEventLoop();
        if (guard.tickerSlot >= 0) {
            return;
        }
        if (size == guards.length) {
            guards = Arrays.copyOf(guards, size * 2);
        }
        guard.tickerSlot = size;
        guards[size++] = guard;
        if (task == null) {
            schedule(tickFor(settings.limits()));
        }
    }

    /** {@code guard} is checked no more; nothing if it was not registered. */
    void remove(Member guard) {
        assert loop.inEventLoop();
        int slot = guard.tickerSlot;
        if (slot < 0) {
            return;
        }
        guard.tickerSlot = -1;
        Member last = guards[--size];
        guards[size] = null;
        if (last != guard) {
            guards[slot] = last;
            last.tickerSlot = slot;
        }
        if (size == 0) {
            task.cancel(false);
            task = null;
        }
        if (guards.length > MIN_CAPACITY && size < guards.length / 4) {
            guards = Arrays.copyOf(guards, guards.length / 2); // many connections closed: give the slots back
        }
    }

    /** Guards checked at each tick now (for tests). */
    int size() {
        return size;
    }

    /** Whether the tick's task is scheduled (for tests). */
    boolean ticking() {
        return task != null;
    }

    /** The pace of the scheduled task (for tests). */
    long tickNanos() {
        return tickNanos;
    }

    private void schedule(long tick) {
        tickNanos = tick;
        task = loop.scheduleAtFixedRate(this::tick, tick, tick, TimeUnit.NANOSECONDS);
    }

    private void tick() {
        Limits limits = settings.limits();
        long now = System.nanoTime();
        // Backwards: a guard that leaves during its check (its pair closed at once) is replaced
        // by the last one, which was checked already.
        for (int i = size - 1; i >= 0; i--) {
            if (i < size) {
                guards[i].check(limits, now);
            }
        }
        long tick = tickFor(limits);
        if (task != null && tick != tickNanos) { // a reload changed the timeouts: check at the new pace
            task.cancel(false);
            schedule(tick);
        }
    }

    /** One ticker per event loop, made on first use. */
    static final class Tickers {
        private final LiveSettings settings;
        private final Map<EventExecutor, GuardTicker> byLoop = new ConcurrentHashMap<>();

        /** @param settings the limits each tick reads (so a reload applies) */
        Tickers(LiveSettings settings) {
            this.settings = requireNonNull(settings, "settings");
        }

        /** The ticker of {@code loop}, to be used on that loop only. */
        GuardTicker forLoop(EventExecutor loop) {
            return byLoop.computeIfAbsent(loop, l -> new GuardTicker(l, settings));
        }
    }
}
