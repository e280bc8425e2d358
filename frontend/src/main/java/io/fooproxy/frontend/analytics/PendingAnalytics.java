package io.fooproxy.frontend.analytics;

import io.fooproxy.proto.telemetry.v1.Analytics;
import io.fooproxy.proto.telemetry.v1.ClientUsage;
import io.fooproxy.proto.telemetry.v1.LatencySlice;
import io.fooproxy.proto.telemetry.v1.ProtocolCounters;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Analytics drained and not yet cut into a batch (publisher thread only). Stays bounded however
 * long the backend is away: latency slices older than the rate windows are merged into one old
 * slice ({@link #compact}), there is a hard cap on slices whatever the clock does, and the client
 * table holds at most {@code maxClients} addresses plus the exact "others" entry.
 *
 * <p>A batch is cut every flush interval, so the latency histograms it empties are kept for the
 * next ones (a few tens of KiB each, allocated and zeroed anew every flush otherwise).
 */
public final class PendingAnalytics {
    /** Emptied latency histograms kept for reuse; a batch usually carries one or two slices. */
    private static final int SPARE_SLICES = 4;

    private final TreeMap<Long, Histogram> slices = new TreeMap<>();
    private final ArrayDeque<Histogram> spareSlices = new ArrayDeque<>(SPARE_SLICES);
    private final HistogramEncoder encoder = new HistogramEncoder();
    private final long[] counters = new long[ProtocolCounter.COUNT];
    private final ClientTable clients;
    private Histogram durations;
    private Histogram messages;

    /** @param maxClients client addresses reported by name per batch */
    public PendingAnalytics(int maxClients) {
        if (maxClients < 1) {
            throw new IllegalArgumentException("maxClients must be at least 1: " + maxClients);
        }
        this.clients = new ClientTable(maxClients);
    }

    /** Adds one drained interval (called by {@link Stripe#drainInto}). */
    void add(Interval interval) {
        for (int i = 0; i < interval.sliceCount(); i++) {
            Histogram h = interval.slice(i);
            if (h.getTotalCount() > 0) {
                slices.computeIfAbsent(interval.sliceStart(i), k -> newSlice()).add(h);
            }
        }
        for (int c = 0; c < ProtocolCounter.COUNT; c++) {
            counters[c] += interval.counters[c];
        }
        clients.addAll(interval.clients);
        if (interval.durations() != null && interval.durations().getTotalCount() > 0) {
            if (durations == null) {
                durations = Histograms.durations();
                messages = Histograms.messages();
            }
            durations.add(interval.durations());
            messages.add(interval.messages());
        }
    }

    /**
     * Merges latency slices that start before {@code cutoffMillis} (they have left every rate
     * window) into one, kept at the newest of their starts; then the oldest slices together
     * until at most {@code maxSlices} remain. Returns how many slices went away.
     */
    public int compact(long cutoffMillis, int maxSlices) {
        if (maxSlices < 1) {
            throw new IllegalArgumentException("maxSlices must be at least 1: " + maxSlices);
        }
        int merged = 0;
        Histogram old = null;
        long oldStart = 0;
        Iterator<Map.Entry<Long, Histogram>> it = slices.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Histogram> e = it.next();
            int remaining = slices.size() + (old == null ? 0 : 1); // if we stopped here
            if (e.getKey() >= cutoffMillis && remaining <= maxSlices) {
                break;
            }
            if (old == null) {
                old = e.getValue();
            } else {
                old.add(e.getValue());
                recycle(e.getValue());
                merged++;
            }
            oldStart = e.getKey();
            it.remove();
        }
        if (old != null) {
            slices.put(oldStart, old);
        }
        return merged;
    }

    public int sliceCount() {
        return slices.size();
    }

    public boolean isEmpty() {
        if (!slices.isEmpty() || durations != null || !clients.isEmpty()) {
            return false;
        }
        for (long c : counters) {
            if (c != 0) {
                return false;
            }
        }
        return true;
    }

    /** Everything pending as the wire message, and empties this. */
    public Analytics take() {
        Analytics.Builder b = Analytics.newBuilder();
        for (Map.Entry<Long, Histogram> e : slices.entrySet()) {
            b.addLatency(LatencySlice.newBuilder()
                    .setStartUnixMillis(e.getKey())
                    .setHistogram(encoder.encode(e.getValue())));
            recycle(e.getValue());
        }
        b.setProtocol(ProtocolCounters.newBuilder()
                .setUnknownSeqAnswers(counters[ProtocolCounter.UNKNOWN_SEQ_ANSWERS])
                .setDuplicateAnswers(counters[ProtocolCounter.DUPLICATE_ANSWERS])
                .setNonSequentialRequests(counters[ProtocolCounter.NON_SEQUENTIAL_REQUESTS])
                .setOutOfOrderAnswers(counters[ProtocolCounter.OUT_OF_ORDER_ANSWERS])
                .setRequestsFromServer(counters[ProtocolCounter.REQUESTS_FROM_SERVER])
                .setAnswersFromClient(counters[ProtocolCounter.ANSWERS_FROM_CLIENT])
                .setOutstandingOverflow(counters[ProtocolCounter.OUTSTANDING_OVERFLOW])
                .setUnansweredRequests(counters[ProtocolCounter.UNANSWERED_REQUESTS])
                .setMatchedAnswers(counters[ProtocolCounter.MATCHED_ANSWERS])
                .setUntrackedAnswers(counters[ProtocolCounter.UNTRACKED_ANSWERS]));
        b.setConnectionDurationMillis(encoder.encode(durations));
        b.setMessagesPerConnection(encoder.encode(messages));
        List<ClientUsage> usage = new ArrayList<>(clients.size());
        clients.forEach((InetAddress client, long msgs, long bytes) -> usage.add(ClientUsage.newBuilder()
                .setAddress(client.getHostAddress())
                .setMessages(msgs)
                .setBytes(bytes)
                .build()));
        usage.sort(Comparator.comparing(ClientUsage::getAddress)); // the same content, the same bytes
        b.addAllClients(usage);
        if ((clients.otherMessages() | clients.otherBytes()) != 0) {
            b.setOtherClients(ClientUsage.newBuilder()
                    .setMessages(clients.otherMessages())
                    .setBytes(clients.otherBytes()));
        }
        slices.clear();
        Arrays.fill(counters, 0);
        clients.clear();
        durations = null;
        messages = null;
        return b.build();
    }

    private Histogram newSlice() {
        Histogram spare = spareSlices.poll();
        return spare != null ? spare : Histograms.latency();
    }

    /** Keeps an emptied slice histogram for {@link #newSlice}; it must no longer be in use. */
    private void recycle(Histogram h) {
        if (spareSlices.size() < SPARE_SLICES) {
            h.reset();
            spareSlices.push(h);
        }
    }
}
