package io.fooproxy.frontend.sniff;

/** A {@link TrafficSink} for tests that breaks as a faulty sink would: every message report throws. */
public final class FailingSink implements TrafficSink {
    private int messageReports;

    /** Reports of messages so far, each of which threw. */
    public int messageReports() {
        return messageReports;
    }

    @Override
    public void onMessages(MessageType type, int count) {
        messageReports++;
        throw new IllegalStateException("sink broke");
    }

    @Override
    public void onInvalidLines(Direction direction, int count) {}

    @Override
    public void onOversizedLine(Direction direction) {}

    @Override
    public void onBytes(Direction direction, int count) {}

    @Override
    public void onConnectionOpened() {}

    @Override
    public void onConnectionClosed() {}

    @Override
    public void onUpstreamConnectFailure() {}
}
