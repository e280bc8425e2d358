package io.fooproxy.frontend.analytics;

import java.net.InetAddress;
import org.HdrHistogram.Histogram;

/**
 * What one writing thread recorded between two drains: latency per 100 ms slice, protocol
 * counters, the two per-connection distributions and consumption per client. Written by one
 * thread at a time (the stripe's writer, or the drainer once it has swapped it out); reused after
 * each drain, so recording into it allocates only while it first grows.
 */
final class Interval {
    /** Slices an interval holds; a drain every 100 ms touches two. */
    static final int SLICES = 8;
    static final long SLICE_MILLIS = 100;

    private final long[] sliceStarts = new long[SLICES];
    private final Histogram[] slices = new Histogram[SLICES];
    private int sliceCount;
    private Histogram durations;
    private Histogram messages;
    final long[] counters = new long[ProtocolCounter.COUNT];
    final ClientTable clients;
    private boolean touched;

    Interval(int maxClients) {
        this.clients = new ClientTable(maxClients);
    }

    /** The start (unix ms) of the slice holding {@code wallMillis}. */
    static long sliceOf(long wallMillis) {
        return Math.floorDiv(wallMillis, SLICE_MILLIS) * SLICE_MILLIS;
    }

    void recordLatency(long sliceStart, long micros) {
        touched = true;
        int i = 0;
        while (i < sliceCount && sliceStarts[i] != sliceStart) {
            i++;
        }
        if (i == sliceCount) {
            if (sliceCount < SLICES) {
                sliceCount++;
                sliceStarts[i] = sliceStart;
                if (slices[i] == null) {
                    slices[i] = Histograms.latency();
                }
            } else {
                // Only when no drain came for SLICES slices (the publisher thread stalled): the
                // newest slice takes it; the count stays exact, only its 100 ms slot is off.
                i = newestSlice();
            }
        }
        Histograms.record(slices[i], micros);
    }

    void count(int counter, long n) {
        touched = true;
        counters[counter] += n;
    }

    void usage(InetAddress client, long msgs, long bytes) {
        touched = true;
        clients.add(client, msgs, bytes);
    }

    void connectionClosed(long durationMillis, long messageCount) {
        touched = true;
        if (durations == null) {
            durations = Histograms.durations();
            messages = Histograms.messages();
        }
        Histograms.record(durations, durationMillis);
        Histograms.record(messages, messageCount);
    }

    boolean touched() {
        return touched;
    }

    int sliceCount() {
        return sliceCount;
    }

    long sliceStart(int i) {
        return sliceStarts[i];
    }

    Histogram slice(int i) {
        return slices[i];
    }

    /** Null when no connection closed in this interval. */
    Histogram durations() {
        return durations;
    }

    Histogram messages() {
        return messages;
    }

    /** Empties this for reuse, keeping the histograms and tables it allocated. */
    void reset() {
        if (!touched) {
            return;
        }
        for (int i = 0; i < sliceCount; i++) {
            slices[i].reset();
        }
        sliceCount = 0;
        if (durations != null) {
            durations.reset();
            messages.reset();
        }
        java.util.Arrays.fill(counters, 0);
        clients.clear();
        touched = false;
    }

    private int newestSlice() {
        int newest = 0;
        for (int i = 1; i < sliceCount; i++) {
            if (sliceStarts[i] > sliceStarts[newest]) {
                newest = i;
            }
        }
        return newest;
    }
}
