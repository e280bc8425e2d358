package io.fooproxy.backend.stats;

/**
 * Messages a frontend saw during {@code [startUnixMillis, startUnixMillis + 1 ms)}, by frontend
 * timestamp. Counts are unsigned ({@code uint64} on the wire).
 */
public record WindowBucket(long startUnixMillis, long requests, long acks, long naks) {

    /** ACK + NAK, saturating. */
    public long responses() {
        return SaturatingCounts.add(acks, naks);
    }
}
