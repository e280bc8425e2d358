package io.fooproxy.frontend.sniff;

/**
 * A per-connection view of the messages one {@link LineScanner} recognised, with their seq: what
 * protocol analytics (matching answers to requests) needs beyond the {@link LineObserver}. Called
 * on the channel's event loop; implementations must not allocate or block.
 */
public interface MessageObserver {
    /** Observes nothing. */
    MessageObserver NONE = new MessageObserver() {
        @Override
        public void onMessage(MessageType type, long seq) {}

        @Override
        public void onWrongDirection(MessageType type, long seq) {}

        @Override
        public void onScanned(Direction direction, int bytes) {}
    };

    /** A valid message for the scanner's direction, with its seq (at least 1). */
    void onMessage(MessageType type, long seq);

    /**
     * A line that would be a valid message in the other direction (a REQ sent by the server, an
     * ACK or NAK sent by the client). It is also reported as invalid to the {@link TrafficSink}:
     * the stats contract counts it in {@code msg_invalid}.
     */
    void onWrongDirection(MessageType type, long seq);

    /**
     * The end of one {@link LineScanner#scan} call: every message of that buffer has been reported,
     * and {@code bytes} is how many readable bytes it had. Lets an observer take one timestamp per
     * read and flush per-read figures. Called even when the scan ended early on an exception (a
     * failing sink), so that whatever the observer holds for the read is released.
     */
    void onScanned(Direction direction, int bytes);
}
