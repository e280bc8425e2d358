package io.fooproxy.frontend.telemetry;

import io.fooproxy.frontend.telemetry.TelemetryAggregator.Bucket;
import io.fooproxy.frontend.telemetry.TelemetryAggregator.Drain;
import io.fooproxy.frontend.telemetry.TelemetryAggregator.Totals;
import io.fooproxy.proto.telemetry.v1.Counters;
import io.fooproxy.proto.telemetry.v1.MessageBucket;
import io.fooproxy.proto.telemetry.v1.TelemetryBatch;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Drained data not yet cut into a batch. Grows only while the publisher cannot send (backend
 * down, slow, or the in-flight limit reached); {@link #compact} keeps it bounded for an outage
 * of any length by merging old buckets into totals-only counts. Publisher thread only.
 */
final class PendingAggregate {

    private final TreeMap<Long, long[]> buckets = new TreeMap<>();
    // Totals-only counters, in Counters field order.
    private long requests;
    private long acks;
    private long naks;
    private long invalidLines;
    private long oversizedLines;
    private long connectionsOpened;
    private long connectionsClosed;
    private long bytesClientToServer;
    private long bytesServerToClient;
    private long upstreamConnectFailures;

    void add(Drain drain) {
        for (Bucket b : drain.buckets()) {
            long[] c = buckets.computeIfAbsent(b.startMillis(), k -> new long[3]);
            c[0] += b.requests();
            c[1] += b.acks();
            c[2] += b.naks();
        }
        Totals t = drain.totals();
        requests += t.requests();
        acks += t.acks();
        naks += t.naks();
        invalidLines += t.invalidLines();
        oversizedLines += t.oversizedLines();
        connectionsOpened += t.connectionsOpened();
        connectionsClosed += t.connectionsClosed();
        bytesClientToServer += t.bytesClientToServer();
        bytesServerToClient += t.bytesServerToClient();
        upstreamConnectFailures += t.upstreamConnectFailures();
    }

    /**
     * Merges buckets that start before {@code cutoffMillis} into the totals-only message
     * counts (they have left every rate window), then the oldest ones until at most
     * {@code maxBuckets} remain (a hard bound even if the clock jumps). Returns how many
     * buckets were merged.
     */
    int compact(long cutoffMillis, int maxBuckets) {
        int merged = 0;
        Iterator<Map.Entry<Long, long[]>> it = buckets.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, long[]> e = it.next();
            if (e.getKey() >= cutoffMillis && buckets.size() <= maxBuckets) {
                break;
            }
            long[] c = e.getValue();
            requests += c[0];
            acks += c[1];
            naks += c[2];
            it.remove();
            merged++;
        }
        return merged;
    }

    int bucketCount() {
        return buckets.size();
    }

    boolean isEmpty() {
        return buckets.isEmpty()
                && (requests | acks | naks | invalidLines | oversizedLines | connectionsOpened
                        | connectionsClosed | bytesClientToServer | bytesServerToClient
                        | upstreamConnectFailures) == 0;
    }

    /** Moves everything into {@code batch} and empties this; returns the bucket count. */
    int moveTo(TelemetryBatch.Builder batch) {
        int n = buckets.size();
        for (Map.Entry<Long, long[]> e : buckets.entrySet()) {
            long[] c = e.getValue();
            batch.addBuckets(MessageBucket.newBuilder()
                    .setStartUnixMillis(e.getKey())
                    .setRequests(c[0])
                    .setAcks(c[1])
                    .setNaks(c[2]));
        }
        batch.setCounters(Counters.newBuilder()
                .setRequests(requests)
                .setAcks(acks)
                .setNaks(naks)
                .setInvalidLines(invalidLines)
                .setOversizedLines(oversizedLines)
                .setConnectionsOpened(connectionsOpened)
                .setConnectionsClosed(connectionsClosed)
                .setBytesClientToServer(bytesClientToServer)
                .setBytesServerToClient(bytesServerToClient)
                .setUpstreamConnectFailures(upstreamConnectFailures));
        buckets.clear();
        requests = 0;
        acks = 0;
        naks = 0;
        invalidLines = 0;
        oversizedLines = 0;
        connectionsOpened = 0;
        connectionsClosed = 0;
        bytesClientToServer = 0;
        bytesServerToClient = 0;
        upstreamConnectFailures = 0;
        return n;
    }
}
