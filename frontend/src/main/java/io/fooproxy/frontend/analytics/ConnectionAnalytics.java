package io.fooproxy.frontend.analytics;

import io.fooproxy.frontend.sniff.Direction;
import io.fooproxy.frontend.sniff.MessageObserver;
import io.fooproxy.frontend.sniff.MessageType;

/** Protocol analytics of one client connection: fed by both of its sniffers, told when it closes. */
public interface ConnectionAnalytics extends MessageObserver {
    /** Analytics switched off: observes nothing. */
    ConnectionAnalytics NONE = new ConnectionAnalytics() {
        @Override
        public void onMessage(MessageType type, long seq) {}

        @Override
        public void onWrongDirection(MessageType type, long seq) {}

        @Override
        public void onScanned(Direction direction, int bytes) {}

        @Override
        public void closed() {}
    };

    /** The client connection has closed (call once, on its event loop; later calls do nothing). */
    void closed();
}
