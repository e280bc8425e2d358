package io.fooproxy.frontend.telemetry;

import static java.util.Objects.requireNonNull;

import io.fooproxy.proto.stats.v1.PublisherStats;

/**
 * The telemetry publisher's own figures, for the frontend's stats line and logs.
 *
 * @param frontendId the name this frontend publishes under
 * @param connectionState the Publish stream's state
 * @param batchesSent batches sent for the first time
 * @param batchesAcked batches the backend acknowledged (durable there)
 * @param batchesResent sends of a batch that had already been sent on an earlier stream
 * @param bufferedBuckets 1 ms buckets held in memory and not yet acknowledged (pending plus
 *     in the unacknowledged batches)
 * @param maxBufferedBuckets the hard cap on {@code bufferedBuckets}
 * @param oldestUnackedAgeMillis how old the oldest data not yet acknowledged is (measured from
 *     the earliest instant it may have been seen); 0 if everything is acknowledged
 * @param unackedBatches batches cut and not yet acknowledged
 * @param lastSequence the sequence number of the last batch cut (0 before the first)
 * @param ackedThroughSequence every batch up to this one is acknowledged
 * @param watermarkUnixMillis everything seen before this instant has been drained into a batch
 *     or the pending aggregate
 * @param lastError why the last stream ended, or "" if none has failed
 */
public record PublisherStatus(
        String frontendId,
        BackendConnectionState connectionState,
        long batchesSent,
        long batchesAcked,
        long batchesResent,
        long bufferedBuckets,
        long maxBufferedBuckets,
        long oldestUnackedAgeMillis,
        int unackedBatches,
        long lastSequence,
        long ackedThroughSequence,
        long watermarkUnixMillis,
        String lastError) {

    public PublisherStatus {
        requireNonNull(frontendId, "frontendId");
        requireNonNull(connectionState, "connectionState");
        requireNonNull(lastError, "lastError");
    }

    /** These figures as the {@code publisher} object of the stats line. */
    public PublisherStats toProto() {
        return PublisherStats.newBuilder()
                .setFrontendId(frontendId)
                .setBackendConnection(switch (connectionState) {
                    case CONNECTED -> PublisherStats.ConnectionState.CONNECTED;
                    case CONNECTING -> PublisherStats.ConnectionState.CONNECTING;
                    case DISCONNECTED -> PublisherStats.ConnectionState.DISCONNECTED;
                })
                .setBatchesSent(batchesSent)
                .setBatchesAcked(batchesAcked)
                .setBatchesResent(batchesResent)
                .setUnackedBatches(unackedBatches)
                .setBufferedBuckets(bufferedBuckets)
                .setMaxBufferedBuckets(maxBufferedBuckets)
                .setOldestUnackedAgeMillis(oldestUnackedAgeMillis)
                .setLastSequence(lastSequence)
                .setAckedThroughSequence(ackedThroughSequence)
                .setLastError(lastError)
                .build();
    }
}
