package io.fooproxy.backend.stats;

import java.util.Arrays;

/**
 * The moving-window math of the stats contract, as a small pure structure (no clock, no locks:
 * every call takes "now"; the owner synchronises).
 *
 * <p>Messages are counted in 1 ms buckets keyed by the <em>frontend's</em> timestamp. For a
 * window end {@code E} (exclusive):
 *
 * <ul>
 *   <li>{@code request_rate_1s} = REQs with timestamp in {@code [E-1000, E)}, divided by 1;
 *   <li>{@code request_rate_10s} = REQs with timestamp in {@code [E-10000, E)}, divided by 10;
 *   <li>the response rates likewise with ACK + NAK.
 * </ul>
 *
 * <p>Memory is a fixed ring of {@value #SLOTS} slots, one per millisecond, that never grows with
 * traffic; a slot remembers which millisecond it holds, so stale slots are simply ignored and
 * reused. What the ring retains, relative to now:
 *
 * <ul>
 *   <li>Buckets older than {@code now - 10 000 ms - }{@value #HOLD_BACK_MILLIS}{@code  ms} are not
 *       windowed ({@link #add} returns false; they still count in totals, which the caller
 *       keeps). The extra {@value #HOLD_BACK_MILLIS} ms is there because the caller may end the
 *       windows before now (at the lowest watermark of its live frontends); with that much
 *       hold-back the 10 s window still sees all of {@code [E-10000, E)}. When {@code E = now}
 *       the windows read exactly the buckets at or after {@code now - 10 000}: nothing older
 *       than 10 s relative to now ever counts.
 *   <li>Buckets timestamped in the future by more than {@value #MAX_FUTURE_MILLIS} ms (frontend
 *       clock far ahead of ours) are counted in totals only. Those within it are kept and start
 *       to count once the window end reaches them.
 * </ul>
 *
 * <p>The retained span ({@value #HOLD_BACK_MILLIS} + 10 000 + {@value #MAX_FUTURE_MILLIS} ms) is
 * smaller than the ring, so two milliseconds retained at the same "now" never share a slot; a
 * slot holding a millisecond outside the retained span is stale and is simply reused (also after
 * the wall clock steps back, when it may hold a "future" millisecond: that bucket then leaves
 * the windows, never the totals).
 */
public final class MovingWindows {

    public static final long SHORT_WINDOW_MILLIS = 1_000;
    public static final long LONG_WINDOW_MILLIS = 10_000;
    /** How far before {@code now - 10 s} buckets are still kept, for a held-back window end. */
    public static final long HOLD_BACK_MILLIS = 2_000;
    /** How far ahead of now a bucket may be and still be windowed. */
    public static final long MAX_FUTURE_MILLIS = 2_000;

    static final int SLOTS = 16_384;
    private static final long EMPTY = Long.MIN_VALUE;

    static {
        // the retained span must fit the ring, or two live milliseconds could share a slot
        if (HOLD_BACK_MILLIS + LONG_WINDOW_MILLIS + MAX_FUTURE_MILLIS + 1 > SLOTS) {
            throw new AssertionError("ring too small");
        }
    }

    private final long[] slotMillis = new long[SLOTS];
    private final long[] requests = new long[SLOTS];
    private final long[] acks = new long[SLOTS];
    private final long[] naks = new long[SLOTS];

    public MovingWindows() {
        Arrays.fill(slotMillis, EMPTY);
    }

    /**
     * Adds a bucket's counts to the windows.
     *
     * @return whether the bucket was windowed; false when it is too old or too far in the future
     *     (the caller still counts it in totals)
     */
    public boolean add(long startUnixMillis, long req, long ack, long nak, long nowUnixMillis) {
        if (!retained(startUnixMillis, nowUnixMillis)) {
            return false;
        }
        int i = slot(startUnixMillis);
        if (slotMillis[i] != startUnixMillis) {
            // a different millisecond here is outside the retained span: stale, reuse the slot
            slotMillis[i] = startUnixMillis;
            requests[i] = 0;
            acks[i] = 0;
            naks[i] = 0;
        }
        requests[i] = SaturatingCounts.add(requests[i], req);
        acks[i] = SaturatingCounts.add(acks[i], ack);
        naks[i] = SaturatingCounts.add(naks[i], nak);
        return true;
    }

    /**
     * The rates for windows ending at {@code min(windowEnd, now)} (exclusive).
     *
     * @param windowEndUnixMillis where the windows end: now, or the lowest watermark of the live
     *     frontends; clamped to now
     */
    public WindowRates rates(long windowEndUnixMillis, long nowUnixMillis) {
        long end = Math.min(windowEndUnixMillis, nowUnixMillis);
        long oldestRetained = nowUnixMillis - LONG_WINDOW_MILLIS - HOLD_BACK_MILLIS;
        long from = Math.max(end - LONG_WINDOW_MILLIS, oldestRetained);
        long shortFrom = end - SHORT_WINDOW_MILLIS;
        long req10 = 0;
        long resp10 = 0;
        long req1 = 0;
        long resp1 = 0;
        long nak10 = 0;
        long nak1 = 0;
        for (long t = from; t < end; t++) {
            int i = slot(t);
            if (slotMillis[i] != t) {
                continue;
            }
            long resp = SaturatingCounts.add(acks[i], naks[i]);
            req10 = SaturatingCounts.add(req10, requests[i]);
            resp10 = SaturatingCounts.add(resp10, resp);
            nak10 = SaturatingCounts.add(nak10, naks[i]);
            if (t >= shortFrom) {
                req1 = SaturatingCounts.add(req1, requests[i]);
                resp1 = SaturatingCounts.add(resp1, resp);
                nak1 = SaturatingCounts.add(nak1, naks[i]);
            }
        }
        double shortSeconds = SHORT_WINDOW_MILLIS / 1000.0;
        double longSeconds = LONG_WINDOW_MILLIS / 1000.0;
        return new WindowRates(
                SaturatingCounts.toDouble(req1) / shortSeconds,
                SaturatingCounts.toDouble(req10) / longSeconds,
                SaturatingCounts.toDouble(resp1) / shortSeconds,
                SaturatingCounts.toDouble(resp10) / longSeconds,
                ratio(nak1, resp1),
                ratio(nak10, resp10),
                end);
    }

    /** {@code part / whole}, 0 when whole is 0. */
    private static double ratio(long part, long whole) {
        return whole == 0 ? 0 : SaturatingCounts.toDouble(part) / SaturatingCounts.toDouble(whole);
    }

    /**
     * The non-empty buckets of the last 10 s ({@code [now - 10 000, now + }{@value
     * #MAX_FUTURE_MILLIS}{@code ]}), oldest first: what the recovery file keeps.
     */
    public WindowColumns buckets(long nowUnixMillis) {
        long first = nowUnixMillis - LONG_WINDOW_MILLIS;
        long last = nowUnixMillis + MAX_FUTURE_MILLIS;
        // counted first, so that each column is one array of the right size
        int n = 0;
        for (long t = first; t <= last; t++) {
            if (holdsCounts(t)) {
                n++;
            }
        }
        long[] starts = new long[n];
        long[] req = new long[n];
        long[] ack = new long[n];
        long[] nak = new long[n];
        int j = 0;
        for (long t = first; t <= last && j < n; t++) {
            if (holdsCounts(t)) {
                int i = slot(t);
                starts[j] = t;
                req[j] = requests[i];
                ack[j] = acks[i];
                nak[j] = naks[i];
                j++;
            }
        }
        return new WindowColumns(starts, req, ack, nak);
    }

    /** Whether millisecond {@code t}'s slot holds it, with a count that is not zero. */
    private boolean holdsCounts(long t) {
        int i = slot(t);
        return slotMillis[i] == t && (requests[i] | acks[i] | naks[i]) != 0;
    }

    /** Forgets every bucket. */
    public void clear() {
        Arrays.fill(slotMillis, EMPTY);
        Arrays.fill(requests, 0);
        Arrays.fill(acks, 0);
        Arrays.fill(naks, 0);
    }

    private static boolean retained(long t, long now) {
        return t >= now - LONG_WINDOW_MILLIS - HOLD_BACK_MILLIS && t <= now + MAX_FUTURE_MILLIS;
    }

    private static int slot(long t) {
        return (int) Math.floorMod(t, (long) SLOTS);
    }
}
