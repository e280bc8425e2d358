package io.fooproxy.frontend.sniff;

/**
 * A per-connection view of what one {@link LineScanner} classified, besides the {@link
 * TrafficSink} totals: the relay's guard counts REQs and answers in flight and notices whether
 * a client ever finishes a line. Called on the channel's event loop; must not allocate.
 */
public interface LineObserver {
    /** Observes nothing. */
    LineObserver NONE = message -> { };

    /**
     * A line ended: a complete line (its type when it is a valid message, else {@code null}), or
     * an over-long one at the moment it passed the limit ({@code null}).
     */
    void onLine(MessageType message);
}
