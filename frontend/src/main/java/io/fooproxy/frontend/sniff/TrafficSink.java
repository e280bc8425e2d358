package io.fooproxy.frontend.sniff;

/**
 * Where the relay and its sniffers report what they saw. The one seam between seeing traffic
 * and shipping figures: local counters, the telemetry publisher, or both (see {@link
 * TrafficSinks#fanOut}) plug in here without the relay knowing.
 *
 * <p>Called on event-loop threads, for every read: implementations must be thread-safe, must
 * never block, and must not allocate per call. A sniffer reports the lines of one read in runs
 * ({@link #onMessages}, {@link #onInvalidLines}): one call, and one clock read, for a run of
 * lines of one kind instead of one per line, in the order the lines came.
 */
public interface TrafficSink {

    /**
     * {@code count} (at least 1) complete, valid lines of this type in its proper direction, one
     * after the other in one read: they are timestamped together.
     */
    void onMessages(MessageType type, int count);

    /** One complete, valid line of this type in its proper direction. */
    default void onMessage(MessageType type) {
        onMessages(type, 1);
    }

    /** {@code count} (at least 1) complete lines in a row that are not valid messages for their direction. */
    void onInvalidLines(Direction direction, int count);

    /** One complete line that is not a valid message for its direction. */
    default void onInvalidLine(Direction direction) {
        onInvalidLines(direction, 1);
    }

    /** A line longer than the sniffer's limit; reported once per line. */
    void onOversizedLine(Direction direction);

    /**
     * Bytes relayed in one direction, counted as they are handed to the peer's write queue (the
     * relay does not wait for each write to complete; a write that fails closes both channels).
     */
    void onBytes(Direction direction, int count);

    /** A client connection was accepted. */
    void onConnectionOpened();

    /** A client connection that {@link #onConnectionOpened} reported has closed. */
    void onConnectionClosed();

    /** A client was closed because its upstream connection could not be established. */
    void onUpstreamConnectFailure();
}
