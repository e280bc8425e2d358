package io.fooproxy.frontend.sniff;

import java.util.ArrayList;
import java.util.List;

/** A {@link TrafficSink} for tests: remembers every report, in order, as short strings. */
public final class RecordingSink implements TrafficSink {
    private final List<String> events = new ArrayList<>();
    private int calls;

    @Override
    public synchronized void onMessages(MessageType type, int count) {
        for (int i = 0; i < count; i++) {
            events.add(type.name());
        }
        calls++;
    }

    @Override
    public synchronized void onInvalidLines(Direction direction, int count) {
        for (int i = 0; i < count; i++) {
            events.add("invalid " + direction);
        }
        calls++;
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

    /** How many calls reported messages or invalid lines (a run of lines is one call). */
    public synchronized int lineReports() {
        return calls;
    }

    public synchronized void clear() {
        events.clear();
        calls = 0;
    }
}
