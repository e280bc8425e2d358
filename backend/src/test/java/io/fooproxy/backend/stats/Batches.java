package io.fooproxy.backend.stats;

import io.fooproxy.proto.telemetry.v1.Counters;
import io.fooproxy.proto.telemetry.v1.MessageBucket;
import io.fooproxy.proto.telemetry.v1.TelemetryBatch;

/** Builds telemetry batches for tests. */
public final class Batches {
    private Batches() {}

    /** A batch with {@code perMs} REQs and {@code perMs} ACKs in every ms of [from, to). */
    public static TelemetryBatch steady(
            String frontendId, long incarnation, long sequence, long from, long to, long perMs) {
        TelemetryBatch.Builder b = TelemetryBatch.newBuilder()
                .setFrontendId(frontendId)
                .setIncarnation(incarnation)
                .setSequence(sequence)
                .setWatermarkUnixMillis(to);
        for (long t = from; t < to; t++) {
            b.addBuckets(MessageBucket.newBuilder()
                    .setStartUnixMillis(t).setRequests(perMs).setAcks(perMs));
        }
        return b.build();
    }

    /** A batch with one bucket and some counters. */
    public static TelemetryBatch one(String frontendId, long incarnation, long sequence,
            long bucketMillis, long requests, long acks, long naks) {
        return TelemetryBatch.newBuilder()
                .setFrontendId(frontendId)
                .setIncarnation(incarnation)
                .setSequence(sequence)
                .setWatermarkUnixMillis(bucketMillis + 1)
                .addBuckets(MessageBucket.newBuilder()
                        .setStartUnixMillis(bucketMillis)
                        .setRequests(requests)
                        .setAcks(acks)
                        .setNaks(naks))
                .setCounters(Counters.newBuilder()
                        .setInvalidLines(1)
                        .setConnectionsOpened(2)
                        .setBytesClientToServer(100)
                        .setBytesServerToClient(200))
                .build();
    }
}
