package io.fooproxy.frontend.stats;

import static io.fooproxy.frontend.sniff.Direction.CLIENT_TO_SERVER;
import static io.fooproxy.frontend.sniff.Direction.SERVER_TO_CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

import io.fooproxy.frontend.sniff.MessageType;
import io.fooproxy.proto.stats.v1.Stats;
import org.junit.jupiter.api.Test;

class LocalCountersTest {
    private static final long T0 = 1_700_000_000_000L;
    private final MutableClock clock = new MutableClock(T0);
    private final LocalCounters counters = new LocalCounters(clock);

    @Test
    void startsAtZero() {
        Stats s = counters.toStats();
        assertThat(s.getMsgTotal()).isZero();
        assertThat(s.getConnectionsTotal()).isZero();
        assertThat(s.getSource()).isEqualTo("frontend-local");
        assertThat(s.getTimestampUnixMillis()).isEqualTo(T0);
        assertThat(s.getUptimeSeconds()).isZero();
    }

    @Test
    void countsEveryFigure() {
        for (int i = 0; i < 5; i++) {
            counters.onMessage(MessageType.REQ);
        }
        counters.onMessage(MessageType.ACK);
        counters.onMessage(MessageType.ACK);
        counters.onMessage(MessageType.NAK);
        counters.onInvalidLine(CLIENT_TO_SERVER);
        counters.onInvalidLine(SERVER_TO_CLIENT);
        counters.onOversizedLine(SERVER_TO_CLIENT);
        counters.onBytes(CLIENT_TO_SERVER, 100);
        counters.onBytes(CLIENT_TO_SERVER, 23);
        counters.onBytes(SERVER_TO_CLIENT, 7);
        counters.onConnectionOpened();
        counters.onConnectionOpened();
        counters.onConnectionOpened();
        counters.onConnectionClosed();
        counters.onUpstreamConnectFailure();
        clock.advance(2_500);

        Stats s = counters.toStats();
        assertThat(s.getMsgReq()).isEqualTo(5);
        assertThat(s.getMsgAck()).isEqualTo(2);
        assertThat(s.getMsgNak()).isEqualTo(1);
        assertThat(s.getMsgTotal()).isEqualTo(8);
        assertThat(s.getMsgInvalid()).isEqualTo(2);
        assertThat(s.getMsgOversized()).isEqualTo(1);
        assertThat(s.getBytesClientToServer()).isEqualTo(123);
        assertThat(s.getBytesServerToClient()).isEqualTo(7);
        assertThat(s.getConnectionsTotal()).isEqualTo(3);
        assertThat(s.getConnectionsActive()).isEqualTo(2);
        assertThat(s.getUpstreamConnectFailures()).isEqualTo(1);
        assertThat(s.getUptimeSeconds()).isEqualTo(2.5);
        assertThat(s.getTimestampUnixMillis()).isEqualTo(T0 + 2_500);
        assertThat(counters.currentStats()).isEqualTo(s);
    }

    @Test
    void ratesFollowTheClock() {
        // 50 REQ and 40 answers per second for 12 s, the rates sampled every 100 ms
        for (int ms = 0; ms < 12_000; ms += 20) {
            counters.onMessage(MessageType.REQ);
            if (ms % 100 != 0) {
                counters.onMessage(ms % 3 == 0 ? MessageType.NAK : MessageType.ACK);
            }
            advanceSampling(20);
        }
        Stats s = counters.toStats();
        assertThat(s.getRequestRate1S()).isEqualTo(50.0);
        assertThat(s.getRequestRate10S()).isEqualTo(50.0);
        assertThat(s.getResponseRate1S()).isEqualTo(40.0);
        assertThat(s.getResponseRate10S()).isEqualTo(40.0);

        advanceSampling(1_100); // a quiet 1.1 s: the 10 s window now holds 8.9 s of traffic
        assertThat(counters.toStats().getRequestRate1S()).isZero();
        assertThat(counters.toStats().getRequestRate10S()).isEqualTo(44.5);
    }

    @Test
    void totalsAreLiveWhileRatesAreAsOfTheLastSample() {
        advanceSampling(1_000);
        counters.onMessages(MessageType.REQ, 30);
        counters.onMessages(MessageType.ACK, 20);
        counters.onMessages(MessageType.NAK, 10);
        Stats before = counters.toStats();
        assertThat(before.getMsgReq()).isEqualTo(30);
        assertThat(before.getRequestRate1S()).isZero();

        advanceSampling(100);
        Stats after = counters.toStats();
        assertThat(after.getRequestRate1S()).isEqualTo(30.0);
        assertThat(after.getResponseRate1S()).isEqualTo(30.0);
        assertThat(after.getRequestRate10S()).isEqualTo(3.0);
    }

    /** Moves the clock in 10 ms steps, sampling the rates at each whole 100 ms as the frontend does. */
    private void advanceSampling(long millis) {
        for (long step = 0; step < millis; step += 10) {
            clock.advance(10);
            if ((clock.millis() - T0) % LocalCounters.RATE_SAMPLE_MILLIS == 0) {
                counters.sampleRates();
            }
        }
    }
}
