package io.fooproxy.frontend.sniff;

/**
 * Where the relay and its sniffers report what they saw. The one seam between seeing traffic
 * and shipping figures: local counters, the telemetry publisher, or both (see {@link
 * TrafficSinks#fanOut}) plug in here without the relay knowing.
 *
 * <p>Called on event-loop threads, for every message: implementations must be thread-safe,
 * must never block, and must not allocate per call.
 */
public interface TrafficSink {

    /** A complete, valid line of this type in its proper direction. */
    void onMessage(MessageType type);

    /** A complete line that is not a valid message for its direction. */
    void onInvalidLine(Direction direction);

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
