package io.fooproxy.frontend.sniff;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** Combinators for {@link TrafficSink}. */
public final class TrafficSinks {
    private TrafficSinks() {}

    /** One sink that reports every event to each of {@code sinks}, in order. */
    public static TrafficSink fanOut(List<TrafficSink> sinks) {
        TrafficSink[] all = requireNonNull(sinks, "sinks").toArray(new TrafficSink[0]);
        if (all.length == 1) {
            return all[0];
        }
        return new TrafficSink() {
            @Override
            public void onMessages(MessageType type, int count) {
                for (TrafficSink s : all) {
                    s.onMessages(type, count);
                }
            }

            @Override
            public void onInvalidLines(Direction direction, int count) {
                for (TrafficSink s : all) {
                    s.onInvalidLines(direction, count);
                }
            }

            @Override
            public void onOversizedLine(Direction direction) {
                for (TrafficSink s : all) {
                    s.onOversizedLine(direction);
                }
            }

            @Override
            public void onBytes(Direction direction, int count) {
                for (TrafficSink s : all) {
                    s.onBytes(direction, count);
                }
            }

            @Override
            public void onConnectionOpened() {
                for (TrafficSink s : all) {
                    s.onConnectionOpened();
                }
            }

            @Override
            public void onConnectionClosed() {
                for (TrafficSink s : all) {
                    s.onConnectionClosed();
                }
            }

            @Override
            public void onUpstreamConnectFailure() {
                for (TrafficSink s : all) {
                    s.onUpstreamConnectFailure();
                }
            }
        };
    }
}
