package io.fooproxy.frontend.stats;

import static java.util.Objects.requireNonNull;

import io.fooproxy.frontend.sniff.Direction;
import io.fooproxy.frontend.sniff.MessageType;
import io.fooproxy.frontend.sniff.TrafficSink;
import io.fooproxy.proto.stats.v1.Stats;
import java.time.Clock;
import java.util.concurrent.atomic.LongAdder;

/**
 * The frontend's own running totals of what its relay and sniffers saw, plus 1 s and 10 s
 * message rates. Thread-safe and allocation-free on the reporting side (one {@link LongAdder}
 * per figure), so every event loop can report straight into it. The rates come from samples of
 * the totals: {@link #sampleRates()} must run every {@value #RATE_SAMPLE_MILLIS} ms (FrontendMain
 * schedules it), so the reporting side reads no clock (see {@link RateWindow}).
 */
public final class LocalCounters implements TrafficSink, StatsSource {
    /** The {@code source} of the figures this class produces. */
    public static final String SOURCE = "frontend-local";
    /** How often {@link #sampleRates()} is to run. */
    public static final long RATE_SAMPLE_MILLIS = RateWindow.TICK_MILLIS;

    private final Clock clock;
    private final long startedAtMillis;

    private final LongAdder requests = new LongAdder();
    private final LongAdder acks = new LongAdder();
    private final LongAdder naks = new LongAdder();
    private final LongAdder invalidLines = new LongAdder();
    private final LongAdder oversizedLines = new LongAdder();
    private final LongAdder bytesClientToServer = new LongAdder();
    private final LongAdder bytesServerToClient = new LongAdder();
    private final LongAdder connectionsOpened = new LongAdder();
    private final LongAdder connectionsClosed = new LongAdder();
    private final LongAdder upstreamConnectFailures = new LongAdder();
    private final RateWindow requestRate;
    private final RateWindow responseRate;

    /** @param clock wall clock for rates, uptime and timestamps; uptime counts from now */
    public LocalCounters(Clock clock) {
        this.clock = requireNonNull(clock, "clock");
        this.startedAtMillis = clock.millis();
        this.requestRate = new RateWindow(startedAtMillis);
        this.responseRate = new RateWindow(startedAtMillis);
    }

    @Override
    public void onMessages(MessageType type, int count) {
        switch (type) {
            case REQ -> requests.add(count);
            case ACK -> acks.add(count);
            case NAK -> naks.add(count);
        }
    }

    /** Takes the rates' sample of the message totals, now. */
    public void sampleRates() {
        long now = clock.millis();
        requestRate.sample(now, requests.sum());
        responseRate.sample(now, acks.sum() + naks.sum());
    }

    @Override
    public void onInvalidLines(Direction direction, int count) {
        invalidLines.add(count);
    }

    @Override
    public void onOversizedLine(Direction direction) {
        oversizedLines.increment();
    }

    @Override
    public void onBytes(Direction direction, int count) {
        if (direction == Direction.CLIENT_TO_SERVER) {
            bytesClientToServer.add(count);
        } else {
            bytesServerToClient.add(count);
        }
    }

    @Override
    public void onConnectionOpened() {
        connectionsOpened.increment();
    }

    @Override
    public void onConnectionClosed() {
        connectionsClosed.increment();
    }

    @Override
    public void onUpstreamConnectFailure() {
        upstreamConnectFailures.increment();
    }

    /** Same as {@link #toStats()}. */
    @Override
    public Stats currentStats() {
        return toStats();
    }

    /** The totals as of now and the rates as of the last sample, with source {@value #SOURCE}. */
    public Stats toStats() {
        long now = clock.millis();
        // closed before opened: every close follows its open, so active never reads negative
        long closed = connectionsClosed.sum();
        long opened = connectionsOpened.sum();
        long req = requests.sum();
        long ack = acks.sum();
        long nak = naks.sum();
        return Stats.newBuilder()
                .setMsgTotal(req + ack + nak)
                .setMsgReq(req)
                .setMsgAck(ack)
                .setMsgNak(nak)
                .setRequestRate1S(requestRate.perSecond(1_000))
                .setRequestRate10S(requestRate.perSecond(10_000))
                .setResponseRate1S(responseRate.perSecond(1_000))
                .setResponseRate10S(responseRate.perSecond(10_000))
                .setMsgInvalid(invalidLines.sum())
                .setMsgOversized(oversizedLines.sum())
                .setConnectionsTotal(opened)
                .setConnectionsActive(Math.max(0, opened - closed))
                .setBytesClientToServer(bytesClientToServer.sum())
                .setBytesServerToClient(bytesServerToClient.sum())
                .setUpstreamConnectFailures(upstreamConnectFailures.sum())
                .setUptimeSeconds(Math.max(0, now - startedAtMillis) / 1000.0)
                .setTimestampUnixMillis(now)
                .setSource(SOURCE)
                .build();
    }
}
