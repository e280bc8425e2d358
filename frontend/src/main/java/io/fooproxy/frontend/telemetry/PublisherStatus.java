package io.fooproxy.frontend.telemetry;

import static java.util.Objects.requireNonNull;

/**
 * The telemetry publisher's own figures, for the frontend-local stats and logs.
 *
 * @param connectionState the Publish stream's state
 * @param batchesSent batches sent for the first time
 * @param batchesAcked batches the backend acknowledged (durable there)
 * @param batchesResent sends of a batch that had already been sent on an earlier stream
 * @param bufferedBuckets 1 ms buckets held in memory and not yet acknowledged (pending plus
 *     in the unacknowledged batches)
 * @param oldestUnackedAgeMillis how long ago the oldest unacknowledged batch was cut; 0 if none
 * @param unackedBatches batches cut and not yet acknowledged
 * @param lastSequence the sequence number of the last batch cut (0 before the first)
 * @param ackedThroughSequence every batch up to this one is acknowledged
 * @param watermarkUnixMillis everything seen before this instant has been drained into a batch
 *     or the pending aggregate
 * @param lastError why the last stream ended, or "" if none has failed
 */
public record PublisherStatus(
        BackendConnectionState connectionState,
        long batchesSent,
        long batchesAcked,
        long batchesResent,
        long bufferedBuckets,
        long oldestUnackedAgeMillis,
        int unackedBatches,
        long lastSequence,
        long ackedThroughSequence,
        long watermarkUnixMillis,
        String lastError) {

    public PublisherStatus {
        requireNonNull(connectionState, "connectionState");
        requireNonNull(lastError, "lastError");
    }
}
