package io.fooproxy.backend.stats;

import static java.util.Objects.requireNonNull;

import io.fooproxy.proto.telemetry.v1.Counters;

/**
 * Arithmetic on counts that arrive as proto {@code uint64}: a Java {@code long} read as unsigned,
 * added with saturation at 2^64-1 instead of wrapping. A frontend that sends an absurd count can
 * pin a total at its maximum but can never make it go backwards or crash an ingest thread.
 */
public final class SaturatingCounts {

    /** The largest uint64 (2^64-1), as its signed bit pattern. */
    public static final long MAX = -1L;

    private SaturatingCounts() {}

    /** {@code a + b} as unsigned 64-bit numbers, saturating at {@link #MAX}. */
    public static long add(long a, long b) {
        long sum = a + b;
        // unsigned overflow happened exactly when the sum is (unsigned) below an operand
        return Long.compareUnsigned(sum, a) < 0 ? MAX : sum;
    }

    /** The unsigned value of {@code count} as a double. */
    public static double toDouble(long count) {
        double value = (double) (count >>> 1) * 2.0;
        return value + (count & 1L);
    }

    /** Field-wise saturating sum of two counter sets. */
    public static Counters sum(Counters a, Counters b) {
        requireNonNull(a, "a");
        requireNonNull(b, "b");
        return Counters.newBuilder()
                .setRequests(add(a.getRequests(), b.getRequests()))
                .setAcks(add(a.getAcks(), b.getAcks()))
                .setNaks(add(a.getNaks(), b.getNaks()))
                .setInvalidLines(add(a.getInvalidLines(), b.getInvalidLines()))
                .setOversizedLines(add(a.getOversizedLines(), b.getOversizedLines()))
                .setConnectionsOpened(add(a.getConnectionsOpened(), b.getConnectionsOpened()))
                .setConnectionsClosed(add(a.getConnectionsClosed(), b.getConnectionsClosed()))
                .setBytesClientToServer(add(a.getBytesClientToServer(), b.getBytesClientToServer()))
                .setBytesServerToClient(add(a.getBytesServerToClient(), b.getBytesServerToClient()))
                .setUpstreamConnectFailures(
                        add(a.getUpstreamConnectFailures(), b.getUpstreamConnectFailures()))
                .build();
    }
}
