package io.fooproxy.backend.analytics;

import com.google.protobuf.ByteString;
import io.fooproxy.backend.stats.MovingWindows;
import io.fooproxy.backend.stats.SaturatingCounts;
import io.fooproxy.proto.recovery.v1.WindowSlice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The last seconds of latency (and answer counts) in 100 ms slices, for the 1 s and 10 s
 * windows. A pure structure like {@link MovingWindows}: every call takes "now", the owner locks.
 *
 * <p><b>Window rule.</b> For a window end {@code E} (the same instant as the rates: the lowest
 * watermark of the live frontends, or now) let {@code A = E} rounded down to a multiple of
 * 100 ms. The 1 s window is the 10 slices starting in {@code [A - 1000, A)}, the 10 s window the
 * 100 slices starting in {@code [A - 10000, A)}: only slices that ended at or before {@code E}
 * count, because a frontend's watermark says it shipped everything before {@code E}, and a slice
 * still open could grow. The latency windows therefore end up to 99 ms before the rate windows.
 *
 * <p><b>Memory.</b> A fixed ring of {@value #SLOTS} slots; a slot's histogram is allocated the
 * first time the slot gets data and is reused (reset) when the slot moves on. Slices older than
 * {@code now - 10 s - }{@link MovingWindows#HOLD_BACK_MILLIS}{@code  - 100 ms} (late arrivals)
 * or more than {@link MovingWindows#MAX_FUTURE_MILLIS} ahead of now are not windowed; the caller
 * counts them in the totals only. That retained span (142 slices) is shorter than the ring, so
 * two retained slices never share a slot.
 *
 * <p><b>Recovery.</b> {@link #slices} lists the last 10 s for the recovery file; a slot's
 * encoding is kept until the slot changes, so a write re-encodes only the slices that changed.
 */
final class SliceRing {
    static final long SLICE_MILLIS = 100;
    static final int SLOTS = 160;
    private static final long EMPTY = Long.MIN_VALUE;
    private static final long OLDEST = MovingWindows.LONG_WINDOW_MILLIS + MovingWindows.HOLD_BACK_MILLIS
            + SLICE_MILLIS;

    static {
        if ((OLDEST + MovingWindows.MAX_FUTURE_MILLIS) / SLICE_MILLIS + 1 > SLOTS) {
            throw new AssertionError("ring too small");
        }
    }

    private final long[] start = new long[SLOTS];
    private final Histogram[] latency = new Histogram[SLOTS];
    private final long[] acks = new long[SLOTS];
    private final long[] naks = new long[SLOTS];
    /** The slot's latency encoding as of the last {@link #slices} call; null when stale. */
    private final ByteString[] encoded = new ByteString[SLOTS];
    /** Where windows are merged; reused by every query (the owner's lock makes that safe). */
    private final Histogram scratch = HistogramCodec.newHistogram();

    SliceRing() {
        Arrays.fill(start, EMPTY);
    }

    /** Adds service times of the slice holding {@code startUnixMillis}; false if not retained. */
    boolean addLatency(long startUnixMillis, Histogram h, long now) {
        int i = slotFor(startUnixMillis, now);
        if (i < 0) {
            return false;
        }
        if (latency[i] == null) {
            latency[i] = HistogramCodec.newHistogram();
        }
        latency[i].add(h);
        encoded[i] = null;
        return true;
    }

    /** Adds answers seen in the 1 ms bucket {@code bucketUnixMillis}; false if not retained. */
    boolean addAnswers(long bucketUnixMillis, long ack, long nak, long now) {
        if ((ack | nak) == 0) {
            return true;
        }
        int i = slotFor(bucketUnixMillis, now);
        if (i < 0) {
            return false;
        }
        acks[i] = SaturatingCounts.add(acks[i], ack);
        naks[i] = SaturatingCounts.add(naks[i], nak);
        return true;
    }

    /** The latency of the window of {@code millis} ending at {@code end} (see the window rule). */
    Histogram latency(long end, long millis) {
        scratch.reset();
        long aligned = Math.floorDiv(end, SLICE_MILLIS) * SLICE_MILLIS;
        for (long s = aligned - millis; s < aligned; s += SLICE_MILLIS) {
            int i = slot(s);
            if (start[i] == s && latency[i] != null) {
                scratch.add(latency[i]);
            }
        }
        return scratch;
    }

    /**
     * The non-empty slices starting in {@code [now - 10 s, now + }{@link
     * MovingWindows#MAX_FUTURE_MILLIS}{@code ]}, oldest first: what the recovery file keeps.
     */
    List<WindowSlice> slices(long now) {
        List<WindowSlice> out = new ArrayList<>();
        long from = Math.floorDiv(now - MovingWindows.LONG_WINDOW_MILLIS + SLICE_MILLIS - 1, SLICE_MILLIS) * SLICE_MILLIS;
        for (long s = from; s <= now + MovingWindows.MAX_FUTURE_MILLIS; s += SLICE_MILLIS) {
            int i = slot(s);
            if (start[i] != s) {
                continue;
            }
            boolean hasLatency = latency[i] != null && latency[i].getTotalCount() > 0;
            if (!hasLatency && (acks[i] | naks[i]) == 0) {
                continue;
            }
            if (hasLatency && encoded[i] == null) {
                encoded[i] = HistogramCodec.encode(latency[i]);
            }
            out.add(WindowSlice.newBuilder()
                    .setStartUnixMillis(s)
                    .setLatencyMicros(hasLatency ? encoded[i] : ByteString.EMPTY)
                    .setAcks(acks[i])
                    .setNaks(naks[i])
                    .build());
        }
        return out;
    }

    /** Adds every retained slice of {@code other} to this ring (rebuilding the overall one). */
    void addAll(SliceRing other, long now) {
        for (int i = 0; i < SLOTS; i++) {
            if (other.start[i] == EMPTY) {
                continue;
            }
            if (other.latency[i] != null && other.latency[i].getTotalCount() > 0) {
                addLatency(other.start[i], other.latency[i], now);
            }
            addAnswers(other.start[i], other.acks[i], other.naks[i], now);
        }
    }

    /** NAK / (ACK + NAK) over the window of {@code millis} ending at {@code end}; 0 if none. */
    double nakRatio(long end, long millis) {
        long aligned = Math.floorDiv(end, SLICE_MILLIS) * SLICE_MILLIS;
        long a = 0;
        long n = 0;
        for (long s = aligned - millis; s < aligned; s += SLICE_MILLIS) {
            int i = slot(s);
            if (start[i] == s) {
                a = SaturatingCounts.add(a, acks[i]);
                n = SaturatingCounts.add(n, naks[i]);
            }
        }
        return ratio(n, a);
    }

    /** {@code nak / (ack + nak)}, 0 when there was no answer. */
    static double ratio(long nak, long ack) {
        double answers = SaturatingCounts.toDouble(ack) + SaturatingCounts.toDouble(nak);
        return answers == 0 ? 0 : SaturatingCounts.toDouble(nak) / answers;
    }

    private int slotFor(long t, long now) {
        long s = Math.floorDiv(t, SLICE_MILLIS) * SLICE_MILLIS;
        if (s < now - OLDEST || s > now + MovingWindows.MAX_FUTURE_MILLIS) {
            return -1;
        }
        int i = slot(s);
        if (start[i] != s) {
            // the slot held a slice outside the retained span: stale, reuse it
            start[i] = s;
            if (latency[i] != null) {
                latency[i].reset();
            }
            acks[i] = 0;
            naks[i] = 0;
            encoded[i] = null;
        }
        return i;
    }

    private static int slot(long sliceStart) {
        return (int) Math.floorMod(Math.floorDiv(sliceStart, SLICE_MILLIS), (long) SLOTS);
    }
}
