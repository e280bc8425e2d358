package io.fooproxy.frontend.sniff;

import java.util.ArrayList;
import java.util.List;

/** A {@link TrafficSink} for tests: remembers every report, in order, as short strings. */
public final class RecordingSink implements TrafficSink {
    private final List<String> events = new ArrayList<>();

    @Override
    public synchronized void onMessage(MessageType type) {
        events.add(type.name());
    }

    @Override
    public synchronized void onInvalidLine(Direction direction) {
        events.add("invalid " + direction);
    }

    @Override
    public synchronized void onOversizedLine(Direction direction) {
        events.add("oversized " + direction);
    }

    @Override
    public synchronized void onBytes(Direction direction, int count) {
        events.add("bytes " + direction + " " + count);
    }

    @Override
    public synchronized void onConnectionOpened() {
        events.add("opened");
    }

    @Override
    public synchronized void onConnectionClosed() {
        events.add("closed");
    }

    @Override
    public synchronized void onUpstreamConnectFailure() {
        events.add("upstream failure");
    }

    /** Every report so far, oldest first. */
    public synchronized List<String> events() {
        return List.copyOf(events);
    }

    public synchronized void clear() {
        events.clear();
    }
}
