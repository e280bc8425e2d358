package io.fooproxy.backend.stats;

import static java.util.Objects.requireNonNull;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * Window buckets held as four columns (start, requests, acks, naks) instead of one record each,
 * read as an immutable list of {@link WindowBucket}s (each made when it is read).
 *
 * <p>Why: the recovery file keeps the whole window, up to twelve thousand buckets, and the
 * persister copies it out of the aggregator, under the lock that applies batches, four times a
 * second. Four arrays are four allocations where records are one per bucket, and the file's
 * window is printed column by column (see {@code recovery/WindowColumnCache}), which compares
 * and copies ranges of these columns directly. Never changed after construction.
 */
public final class WindowColumns extends AbstractList<WindowBucket> implements RandomAccess {
    private final long[] starts;
    private final long[] requests;
    private final long[] acks;
    private final long[] naks;

    /** Takes the arrays as they are: the caller gives them up. */
    WindowColumns(long[] starts, long[] requests, long[] acks, long[] naks) {
        int n = starts.length;
        if (requests.length != n || acks.length != n || naks.length != n) {
            throw new IllegalArgumentException("columns of different lengths");
        }
        this.starts = starts;
        this.requests = requests;
        this.acks = acks;
        this.naks = naks;
    }

    /** {@code buckets} as columns: the same instance if it is one already, else a copy. */
    public static WindowColumns of(List<WindowBucket> buckets) {
        if (requireNonNull(buckets, "buckets") instanceof WindowColumns columns) {
            return columns;
        }
        int n = buckets.size();
        long[] s = new long[n];
        long[] r = new long[n];
        long[] a = new long[n];
        long[] k = new long[n];
        int i = 0;
        for (WindowBucket b : buckets) {
            s[i] = b.startUnixMillis();
            r[i] = b.requests();
            a[i] = b.acks();
            k[i] = b.naks();
            i++;
        }
        return new WindowColumns(s, r, a, k);
    }

    @Override
    public WindowBucket get(int index) {
        return new WindowBucket(starts[index], requests[index], acks[index], naks[index]);
    }

    @Override
    public int size() {
        return starts.length;
    }

    public long start(int index) {
        return starts[index];
    }

    public long requests(int index) {
        return requests[index];
    }

    public long acks(int index) {
        return acks[index];
    }

    public long naks(int index) {
        return naks[index];
    }

    /** Buckets {@code [from, to)} as columns of their own. */
    public WindowColumns range(int from, int to) {
        return new WindowColumns(Arrays.copyOfRange(starts, from, to), Arrays.copyOfRange(requests, from, to),
                Arrays.copyOfRange(acks, from, to), Arrays.copyOfRange(naks, from, to));
    }

    /** Whether buckets {@code [from, to)} are exactly all of {@code other}'s. */
    public boolean rangeEquals(int from, int to, WindowColumns other) {
        int n = other.size();
        return to - from == n
                && Arrays.equals(starts, from, to, other.starts, 0, n)
                && Arrays.equals(requests, from, to, other.requests, 0, n)
                && Arrays.equals(acks, from, to, other.acks, 0, n)
                && Arrays.equals(naks, from, to, other.naks, 0, n);
    }
}
