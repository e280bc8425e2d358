package io.fooproxy.frontend.telemetry;

import static java.util.Objects.requireNonNull;

import io.fooproxy.frontend.sniff.Direction;
import io.fooproxy.frontend.sniff.MessageType;
import io.fooproxy.frontend.sniff.TrafficSink;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts what the sniffers saw: REQ/ACK/NAK (a run of them per call) into 1 ms buckets by
 * wall-clock millis (the frontend timestamp), everything else into totals-only counters. Written
 * by the event-loop threads for every run of messages; read by one drainer (the telemetry
 * publisher's thread).
 *
 * <h2>Layout</h2>
 * Each writing thread owns a {@link Stripe} (found through a {@link ThreadLocal}, created once
 * per thread): a ring of {@code ringMillis} bucket slots indexed by {@code millis mod ring}, each
 * with the millisecond it holds ({@code stamps}) and three counts, plus a few totals and a
 * {@code busy} word. A stripe has exactly one writer, so writers never contend with each other;
 * the drainer takes counts with {@code getAndSet(0)} while the writer adds with
 * {@code getAndAdd}, so every unit is moved exactly once whatever the interleaving: nothing is
 * lost or double-counted.
 *
 * <h2>Hot path</h2>
 * {@code ThreadLocal.get()} on an initialised thread, {@code clock.millis()}, and a few atomic
 * operations on arrays allocated with the stripe: no allocation per call. A run of messages costs one
 * volatile store (entering), one release store (its millisecond), one atomic add and one
 * release store (leaving), all on cache lines the writing thread owns.
 *
 * <h2>Watermark (race analysis)</h2>
 * {@link #drain()} must return a watermark W such that every message with timestamp &lt; W has
 * been drained, although writers keep writing while it runs. A writer announces itself:
 * <ol>
 *   <li>{@code busy = ENTERING} (volatile store: a full fence, so the clock read below cannot
 *       move before it);</li>
 *   <li>{@code t = clock.millis(); busy = t};</li>
 *   <li>add to the slot stamped {@code t};</li>
 *   <li>{@code busy = IDLE} (release: the add is visible to whoever reads IDLE).</li>
 * </ol>
 * The drainer reads {@code now = clock.millis()}, issues a full fence, then reads every
 * stripe's {@code busy}, and sets {@code W = min(now, every busy t)}; a stripe seen ENTERING
 * caps W at the previous watermark. It then drains only slots stamped &lt; W. For a writer:
 * <ul>
 *   <li>seen IDLE: its completed adds are visible (release/acquire); an operation it starts
 *       later stores ENTERING after the drainer's read, so it reads the clock after the
 *       drainer did: {@code t >= now >= W}.</li>
 *   <li>seen busy with t: {@code W <= t}, so its slot is not drained under it.</li>
 *   <li>seen ENTERING: its clock read is not ordered with ours, but it stored ENTERING after
 *       the last drain that did not see it busy, so {@code t >=} that drain's W {@code >=} the
 *       previous watermark, which caps this W.</li>
 * </ul>
 * So no slot being written is ever drained, and every message stamped &lt; W was complete
 * and visible when the slots were scanned. This relies on the clock not stepping backwards;
 * if it does, counts are still exact (the atomics guarantee that), only a few messages may be
 * drained in a later batch below an already-published watermark. The reported watermark never
 * decreases.
 *
 * <h2>Ring reuse</h2>
 * Slot transitions: {@code FREE -> t} (writer, plain set: only the writer leaves FREE),
 * {@code old -> CLAIMED -> FREE} (drainer, CAS then set) and {@code old -> CLAIMED -> t}
 * (writer, CAS then set). The CAS decides who takes an undrained slot. A writer only meets an
 * undrained old slot if the drainer is more than {@code ringMillis} late; it then moves that
 * slot's counts, and the message if the drainer holds the slot right now, into the stripe's
 * totals-only message counters: still exact for the totals, just no longer in a rate.
 *
 * <p>{@link #drainAll()} (shutdown) also takes the current millisecond; a writer still running
 * then may have its message drained by the next drain or attributed to a later slot, never
 * lost while the aggregator is drained. Stop the relay before the final drain.
 */
public final class TelemetryAggregator implements TrafficSink {

    /** Default ring: 1024 ms, ten times the default 100 ms flush interval. */
    public static final int DEFAULT_RING_MILLIS = 1024;

    private static final long IDLE = Long.MAX_VALUE;
    private static final long ENTERING = Long.MIN_VALUE;
    private static final long FREE = Long.MIN_VALUE;
    private static final long CLAIMED = Long.MIN_VALUE + 1;

    // Stripe.state layout: padding | busy | totals | padding (keeps other stripes' and the
    // array header's writes off this cache line).
    private static final int PAD = 8;
    private static final int BUSY = PAD;
    private static final int SPILL_REQ = PAD + 1; // + 0..2 for REQ, ACK, NAK
    private static final int INVALID = PAD + 4;
    private static final int OVERSIZED = PAD + 5;
    private static final int OPENED = PAD + 6;
    private static final int CLOSED = PAD + 7;
    private static final int BYTES_C2S = PAD + 8;
    private static final int BYTES_S2C = PAD + 9;
    private static final int CONNECT_FAILURES = PAD + 10;
    private static final int FIRST_TOTAL = SPILL_REQ;
    private static final int TOTAL_FIELDS = CONNECT_FAILURES - FIRST_TOTAL + 1;
    private static final int STATE_LENGTH = CONNECT_FAILURES + 1 + PAD;

    private final Clock clock;
    private final int ringMillis;
    private final int mask;
    private final CopyOnWriteArrayList<Stripe> stripes = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Stripe> local = ThreadLocal.withInitial(this::register);

    // Drainer-only state (guarded by this).
    private long watermark;
    private long connectionsOpened;
    private long connectionsClosed;

    public TelemetryAggregator(Clock clock) {
        this(clock, DEFAULT_RING_MILLIS);
    }

    /** @param ringMillis bucket slots per writing thread; a power of two, at least 2 */
    public TelemetryAggregator(Clock clock, int ringMillis) {
        this.clock = requireNonNull(clock, "clock");
        if (ringMillis < 2 || Integer.bitCount(ringMillis) != 1) {
            throw new IllegalArgumentException("ringMillis: must be a power of two >= 2, got "
                    + ringMillis);
        }
        this.ringMillis = ringMillis;
        this.mask = ringMillis - 1;
        // Writers start after construction, so their timestamps are not below this.
        this.watermark = clock.millis();
    }

    // ---------------------------------------------------------------- hot path (any thread)

    @Override
    public void onMessages(MessageType type, int count) {
        int kind = switch (type) {
            case REQ -> 0;
            case ACK -> 1;
            case NAK -> 2;
        };
        Stripe s = local.get();
        s.state.set(BUSY, ENTERING);
        long t = clock.millis();
        s.state.lazySet(BUSY, t);
        int slot = s.slotFor(t);
        if (slot >= 0) {
            s.counts.getAndAdd(slot * 3 + kind, count);
        } else {
            s.state.getAndAdd(SPILL_REQ + kind, count);
        }
        s.state.lazySet(BUSY, IDLE);
    }

    @Override
    public void onInvalidLines(Direction direction, int count) {
        local.get().state.getAndAdd(INVALID, count);
    }

    @Override
    public void onOversizedLine(Direction direction) {
        local.get().state.getAndIncrement(OVERSIZED);
    }

    @Override
    public void onBytes(Direction direction, int count) {
        if (count <= 0) {
            return;
        }
        int field = direction == Direction.CLIENT_TO_SERVER ? BYTES_C2S : BYTES_S2C;
        local.get().state.getAndAdd(field, count);
    }

    @Override
    public void onConnectionOpened() {
        local.get().state.getAndIncrement(OPENED);
    }

    @Override
    public void onConnectionClosed() {
        local.get().state.getAndIncrement(CLOSED);
    }

    @Override
    public void onUpstreamConnectFailure() {
        local.get().state.getAndIncrement(CONNECT_FAILURES);
    }

    // ---------------------------------------------------------------- drainer

    /**
     * Everything counted since the last drain, except messages of the current millisecond
     * (they may still be being written). Meant for one thread (the publisher's); synchronized
     * so a stray second caller cannot break the watermark.
     */
    public synchronized Drain drain() {
        return drain(false);
    }

    /** Like {@link #drain()} but also takes the current millisecond: the final drain. */
    public synchronized Drain drainAll() {
        return drain(true);
    }

    private Drain drain(boolean everything) {
        long now = clock.millis();
        VarHandle.fullFence();
        Stripe[] snapshot = stripes.toArray(new Stripe[0]);
        long limit = everything ? now + 1 : now;
        for (Stripe s : snapshot) {
            long busy = s.state.get(BUSY);
            if (busy == ENTERING) {
                limit = Math.min(limit, watermark);
            } else if (busy != IDLE) {
                limit = Math.min(limit, busy);
            }
        }
        TreeMap<Long, long[]> merged = new TreeMap<>();
        long[] totals = new long[TOTAL_FIELDS];
        for (Stripe s : snapshot) {
            // Asked before the scan: a thread seen dead here has made its last write, and that
            // write is visible (seeing a thread terminated happens-after its final action).
            // Asked after the scan, a thread could write into a fresh slot and exit in between,
            // and its stripe would be dropped with that slot still counted in it.
            boolean ownerGone = s.ownerGone();
            int undrained = s.drainSlots(limit, merged);
            for (int f = 0; f < TOTAL_FIELDS; f++) {
                totals[f] += s.state.getAndSet(FIRST_TOTAL + f, 0);
            }
            if (ownerGone && undrained == 0) {
                // A dead thread writes no more and its stripe is empty: let it go.
                stripes.remove(s);
            }
        }
        watermark = Math.max(watermark, limit);
        List<Bucket> buckets = new ArrayList<>(merged.size());
        for (Map.Entry<Long, long[]> e : merged.entrySet()) {
            long[] c = e.getValue();
            buckets.add(new Bucket(e.getKey(), c[0], c[1], c[2]));
        }
        Totals t = new Totals(totals[0], totals[1], totals[2],
                totals[INVALID - FIRST_TOTAL], totals[OVERSIZED - FIRST_TOTAL],
                totals[OPENED - FIRST_TOTAL], totals[CLOSED - FIRST_TOTAL],
                totals[BYTES_C2S - FIRST_TOTAL], totals[BYTES_S2C - FIRST_TOTAL],
                totals[CONNECT_FAILURES - FIRST_TOTAL]);
        connectionsOpened += t.connectionsOpened();
        connectionsClosed += t.connectionsClosed();
        // A close drained from one stripe before its open from another can make this dip for
        // one drain; never report below zero.
        long active = Math.max(0, connectionsOpened - connectionsClosed);
        return new Drain(watermark, List.copyOf(buckets), t, active);
    }

    /** Writing threads that currently hold a stripe (for tests and diagnostics). */
    int stripeCount() {
        return stripes.size();
    }

    private Stripe register() {
        Stripe s = new Stripe(Thread.currentThread(), ringMillis, mask);
        stripes.add(s);
        return s;
    }

    /** One writing thread's accumulators. */
    private static final class Stripe {
        final WeakReference<Thread> owner;
        final int ringMillis;
        final int mask;
        final AtomicLongArray state = new AtomicLongArray(STATE_LENGTH);
        final AtomicLongArray stamps;
        final AtomicLongArray counts;

        Stripe(Thread owner, int ringMillis, int mask) {
            this.owner = new WeakReference<>(owner);
            this.ringMillis = ringMillis;
            this.mask = mask;
            this.stamps = new AtomicLongArray(ringMillis);
            this.counts = new AtomicLongArray(ringMillis * 3);
            for (int i = 0; i < ringMillis; i++) {
                stamps.set(i, FREE);
            }
            state.set(BUSY, IDLE);
        }

        /** Owner thread only: the slot holding millisecond t, or -1 to count it as totals. */
        int slotFor(long t) {
            int i = (int) (t & mask);
            long stamp = stamps.get(i);
            if (stamp == t) {
                return i;
            }
            if (stamp == FREE) {
                stamps.lazySet(i, t);
                return i;
            }
            if (stamp == CLAIMED || !stamps.compareAndSet(i, stamp, CLAIMED)) {
                return -1; // the drainer is taking this slot right now
            }
            // The ring wrapped before the drainer came: keep the old counts as totals.
            for (int k = 0; k < 3; k++) {
                long old = counts.getAndSet(i * 3 + k, 0);
                if (old != 0) {
                    state.getAndAdd(SPILL_REQ + k, old);
                }
            }
            stamps.set(i, t);
            return i;
        }

        /** Drainer: takes slots stamped below limit; returns how many slots stay in use. */
        int drainSlots(long limit, TreeMap<Long, long[]> into) {
            int undrained = 0;
            for (int i = 0; i < ringMillis; i++) {
                long stamp = stamps.get(i);
                if (stamp == FREE) {
                    continue;
                }
                if (stamp == CLAIMED || stamp >= limit
                        || !stamps.compareAndSet(i, stamp, CLAIMED)) {
                    undrained++;
                    continue;
                }
                long req = counts.getAndSet(i * 3, 0);
                long ack = counts.getAndSet(i * 3 + 1, 0);
                long nak = counts.getAndSet(i * 3 + 2, 0);
                stamps.set(i, FREE);
                if ((req | ack | nak) != 0) {
                    long[] c = into.computeIfAbsent(stamp, k -> new long[3]);
                    c[0] += req;
                    c[1] += ack;
                    c[2] += nak;
                }
            }
            return undrained;
        }

        boolean ownerGone() {
            Thread t = owner.get();
            return t == null || !t.isAlive();
        }
    }

    /** Messages seen during [startMillis, startMillis + 1 ms). */
    public record Bucket(long startMillis, long requests, long acks, long naks) {}

    /** Increments that count toward totals only (message counts here lost their timestamp). */
    public record Totals(
            long requests,
            long acks,
            long naks,
            long invalidLines,
            long oversizedLines,
            long connectionsOpened,
            long connectionsClosed,
            long bytesClientToServer,
            long bytesServerToClient,
            long upstreamConnectFailures) {

        public boolean isZero() {
            return (requests | acks | naks | invalidLines | oversizedLines | connectionsOpened
                    | connectionsClosed | bytesClientToServer | bytesServerToClient
                    | upstreamConnectFailures) == 0;
        }
    }

    /**
     * One drain: buckets sorted by time, all below {@code watermarkMillis}; every message
     * stamped below the watermark is in this drain or an earlier one.
     */
    public record Drain(long watermarkMillis, List<Bucket> buckets, Totals totals,
            long activeConnections) {}
}
