package io.fooproxy.frontend.analytics;

import static io.fooproxy.frontend.sniff.MessageType.ACK;
import static io.fooproxy.frontend.sniff.MessageType.NAK;
import static io.fooproxy.frontend.sniff.MessageType.REQ;
import static org.assertj.core.api.Assertions.assertThat;

import io.fooproxy.frontend.config.AnalyticsSettings;
import io.fooproxy.frontend.sniff.Direction;
import io.fooproxy.proto.telemetry.v1.Analytics;
import io.fooproxy.proto.telemetry.v1.LatencySlice;
import io.fooproxy.proto.telemetry.v1.ProtocolCounters;
import java.net.InetAddress;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** One connection's protocol tracker, driven as its two sniffers would drive it. */
class ProtocolTrackerTest {
    private static final long T0 = 1_700_000_000_000L; // a multiple of 100 ms
    private static final InetAddress CLIENT = InetAddress.getLoopbackAddress();

    private final StepClock clock = new StepClock(T0);

    private AnalyticsRecorder recorder(int maxOutstanding) {
        return new AnalyticsRecorder(new AnalyticsSettings(true, maxOutstanding, 4096), clock);
    }

    private static ProtocolTracker open(AnalyticsRecorder recorder) {
        return (ProtocolTracker) recorder.open(CLIENT);
    }

    /** One read from the client holding these REQs. */
    private static void requests(ProtocolTracker t, long... seqs) {
        for (long s : seqs) {
            t.onMessage(REQ, s);
        }
        t.onScanned(Direction.CLIENT_TO_SERVER, 6 * seqs.length);
    }

    /** One read from the server holding these ACKs. */
    private static void answers(ProtocolTracker t, long... seqs) {
        for (long s : seqs) {
            t.onMessage(ACK, s);
        }
        t.onScanned(Direction.SERVER_TO_CLIENT, 6 * seqs.length);
    }

    private static Analytics drain(AnalyticsRecorder recorder) {
        PendingAnalytics pending = new PendingAnalytics(4096);
        recorder.drainInto(pending);
        return pending.take();
    }

    @Test
    void pipelinedAndOutOfOrderAnswersAreMatchedToTheirOwnRequest() {
        AnalyticsRecorder recorder = recorder(4096);
        ProtocolTracker t = open(recorder);
        requests(t, 1, 2, 3); // all three passed at T0
        clock.advanceMillis(5);
        answers(t, 1); // 5 ms
        clock.advanceMillis(2);
        t.onMessage(NAK, 3); // 7 ms, not the oldest outstanding (2 is)
        t.onMessage(ACK, 2); // 7 ms, now the oldest
        t.onScanned(Direction.SERVER_TO_CLIENT, 12);
        requests(t, 4);
        clock.advanceMillis(150); // the answer falls in the second slice
        answers(t, 4);

        Analytics a = drain(recorder);
        ProtocolCounters p = a.getProtocol();
        assertThat(p.getMatchedAnswers()).isEqualTo(4);
        assertThat(p.getOutOfOrderAnswers()).isEqualTo(1);
        assertThat(p.getNonSequentialRequests()).isZero();
        assertThat(p.getUnknownSeqAnswers() + p.getDuplicateAnswers() + p.getUntrackedAnswers()).isZero();
        assertThat(a.getLatencyList()).extracting(LatencySlice::getStartUnixMillis)
                .containsExactly(T0, T0 + 100);
        Histogram first = Decoded.histogram(a.getLatency(0).getHistogram());
        assertThat(first.getTotalCount()).isEqualTo(3);
        assertThat(first.getMinValue()).isBetween(4_950L, 5_050L);
        assertThat(first.getMaxValue()).isBetween(6_930L, 7_070L);
        assertThat(first.getCountAtValue(7_000)).isEqualTo(2);
        Histogram second = Decoded.histogram(a.getLatency(1).getHistogram());
        assertThat(second.getTotalCount()).isEqualTo(1);
        assertThat(second.getMaxValue()).isBetween(148_500L, 151_500L);
        assertThat(t.outstanding()).isZero();
    }

    @Test
    void eachViolationIsCountedExactlyOnce() {
        AnalyticsRecorder recorder = recorder(4096);
        ProtocolTracker t = open(recorder);
        requests(t, 1, 2);
        answers(t, 1);
        answers(t, 1); // duplicate: 1 was answered
        answers(t, 99); // unknown: never requested
        requests(t, 5); // non-sequential: 3 expected
        answers(t, 5); // out of order: 2 is the oldest outstanding
        answers(t, 5); // duplicate (5 is in the current run 5..5)
        t.onWrongDirection(REQ, 7); // REQ sent by the server
        t.onWrongDirection(NAK, 8); // NAK sent by the client
        t.onWrongDirection(ACK, 9); // ACK sent by the client
        requests(t, 6); // sequential again (5 + 1)
        t.closed(); // 2 and 6 never answered

        ProtocolCounters p = drain(recorder).getProtocol();
        assertThat(p).isEqualTo(ProtocolCounters.newBuilder()
                .setMatchedAnswers(2)
                .setDuplicateAnswers(2)
                .setUnknownSeqAnswers(1)
                .setNonSequentialRequests(1)
                .setOutOfOrderAnswers(1)
                .setRequestsFromServer(1)
                .setAnswersFromClient(2)
                .setUnansweredRequests(2)
                .build());
    }

    @Test
    void aSecondAnswerIsADuplicateEvenAfterTheRequestSeqsJumped() {
        AnalyticsRecorder recorder = recorder(4096);
        ProtocolTracker t = open(recorder);
        requests(t, 1, 2, 3, 10, 11, 40);
        answers(t, 2, 1, 1, 3, 11, 10, 40, 10, 39);
        t.closed();
        ProtocolCounters p = drain(recorder).getProtocol();
        assertThat(p.getMatchedAnswers()).isEqualTo(6);
        assertThat(p.getDuplicateAnswers()).isEqualTo(2); // the second 1 and the second 10
        assertThat(p.getUnknownSeqAnswers()).isEqualTo(1); // 39 was never requested
        assertThat(p.getNonSequentialRequests()).isEqualTo(2);
    }

    @Test
    void aRepeatedSeqIsAnsweredOldestFirst() {
        AnalyticsRecorder recorder = recorder(4096);
        ProtocolTracker t = open(recorder);
        requests(t, 1, 2, 2, 3); // 2 twice: the table is no longer consecutive
        clock.advanceMillis(10);
        requests(t, 3);
        clock.advanceMillis(10);
        answers(t, 1, 3, 3, 2, 2);
        t.closed();
        Analytics a = drain(recorder);
        ProtocolCounters p = a.getProtocol();
        assertThat(p.getMatchedAnswers()).isEqualTo(5);
        // the first 3 answers the older REQ 3 (20 ms), the second the newer one (10 ms)
        Histogram h = Decoded.histogram(a.getLatency(0).getHistogram());
        assertThat(h.getCountAtValue(20_000)).isEqualTo(4);
        assertThat(h.getCountAtValue(10_000)).isEqualTo(1);
        assertThat(p.getOutOfOrderAnswers()).isEqualTo(2); // 3 before 2, then 3 again before 2
        assertThat(p.getNonSequentialRequests()).isEqualTo(2);
        assertThat(p.getDuplicateAnswers() + p.getUnknownSeqAnswers()).isZero();
    }

    @Test
    void theFirstRequestIsExpectedToBeOne() {
        AnalyticsRecorder recorder = recorder(4096);
        ProtocolTracker t = open(recorder);
        requests(t, 2, 3, 3);
        t.closed();
        assertThat(drain(recorder).getProtocol().getNonSequentialRequests()).isEqualTo(2);
    }

    @Test
    void theOutstandingTableStaysAtItsCapUnderAHundredThousandSeqs() {
        AnalyticsRecorder recorder = recorder(4096);
        ProtocolTracker t = open(recorder);
        for (long seq = 1; seq <= 100_000; seq++) {
            t.onMessage(REQ, seq);
            if (seq % 100 == 0) {
                t.onScanned(Direction.CLIENT_TO_SERVER, 100);
            }
        }
        assertThat(t.capacity()).isEqualTo(4096);
        assertThat(t.outstanding()).isEqualTo(4096);
        clock.advanceMillis(1);
        for (long seq = 100_000; seq >= 1; seq--) { // newest first: every tracked one out of order
            t.onMessage(ACK, seq);
        }
        t.onScanned(Direction.SERVER_TO_CLIENT, 0);
        assertThat(t.outstanding()).isZero();
        t.closed();

        Analytics a = drain(recorder);
        ProtocolCounters p = a.getProtocol();
        assertThat(p.getOutstandingOverflow()).isEqualTo(100_000 - 4096);
        assertThat(p.getMatchedAnswers()).isEqualTo(4096);
        assertThat(p.getOutOfOrderAnswers()).isEqualTo(4095);
        // after the overflow an unmatched answer may be for an untracked REQ: not "unknown"
        assertThat(p.getUntrackedAnswers()).isEqualTo(100_000 - 4096);
        assertThat(p.getUnknownSeqAnswers()).isZero();
        assertThat(p.getUnansweredRequests()).isZero();
        assertThat(Decoded.latency(List.of(a)).getTotalCount()).isEqualTo(p.getMatchedAnswers());
    }

    @Test
    void aSmallCapIsExactAndTombstonesAreCompactedInPlace() {
        AnalyticsRecorder recorder = recorder(4);
        ProtocolTracker t = open(recorder);
        long seq = 1;
        requests(t, seq++, seq++, seq++, seq++);
        for (int round = 0; round < 1000; round++) {
            // REQ 1 stays outstanding at the head; the three newer ones are answered (three
            // tombstones behind it), so the next REQ finds the ring full and compacts it
            answers(t, seq - 2, seq - 1, seq - 3);
            requests(t, seq++, seq++, seq++);
            // room for the answered entries behind REQ 1, never more: compaction frees it
            assertThat(t.capacity()).isEqualTo(8);
            assertThat(t.outstanding()).isEqualTo(4);
        }
        answers(t, 1);
        t.closed();
        ProtocolCounters p = drain(recorder).getProtocol();
        assertThat(p.getMatchedAnswers()).isEqualTo(3 * 1000 + 1);
        assertThat(p.getOutOfOrderAnswers()).isEqualTo(3 * 1000);
        assertThat(p.getDuplicateAnswers() + p.getUnknownSeqAnswers()).isZero();
        assertThat(p.getOutstandingOverflow()).isZero();
        assertThat(p.getUnansweredRequests()).isEqualTo(3);
    }

    @Test
    void anIdleConnectionHoldsNoTableAndAnEmptiedBigOneIsDropped() {
        AnalyticsRecorder recorder = recorder(4096);
        ProtocolTracker idle = open(recorder);
        assertThat(idle.capacity()).isZero();
        ProtocolTracker busy = open(recorder);
        for (long seq = 1; seq <= 1000; seq++) {
            busy.onMessage(REQ, seq);
        }
        assertThat(busy.capacity()).isEqualTo(1024);
        for (long seq = 1; seq <= 1000; seq++) {
            busy.onMessage(ACK, seq);
        }
        assertThat(busy.capacity()).isZero();
    }

    @Test
    void closeRecordsDurationMessagesAndUnansweredAndIsIdempotent() {
        AnalyticsRecorder recorder = recorder(4096);
        ProtocolTracker t = open(recorder);
        requests(t, 1, 2, 3);
        answers(t, 1);
        clock.advanceMillis(2500);
        t.closed();
        t.closed();
        answers(t, 2); // after close: ignored
        Analytics a = drain(recorder);
        assertThat(a.getProtocol().getUnansweredRequests()).isEqualTo(2);
        Histogram durations = Decoded.histogram(a.getConnectionDurationMillis());
        assertThat(durations.getTotalCount()).isEqualTo(1);
        assertThat(durations.getMaxValue()).isBetween(2_475L, 2_525L);
        Histogram messages = Decoded.histogram(a.getMessagesPerConnection());
        assertThat(messages.getTotalCount()).isEqualTo(1);
        assertThat(messages.getMaxValue()).isEqualTo(4);
        assertThat(a.getClientsList()).singleElement().satisfies(c -> {
            assertThat(c.getAddress()).isEqualTo(CLIENT.getHostAddress());
            assertThat(c.getMessages()).isEqualTo(4);
            assertThat(c.getBytes()).isEqualTo(6 * 3 + 6);
        });
    }

    @Test
    void inFlightGaugesFollowTheLiveConnections() {
        AnalyticsRecorder recorder = recorder(4096);
        ProtocolTracker a = open(recorder);
        ProtocolTracker b = open(recorder);
        requests(a, 1, 2);
        clock.advanceMillis(300);
        requests(b, 1);
        clock.advanceMillis(200);
        recorder.sampleInFlight();
        assertThat(recorder.inFlight()).isEqualTo(new InFlightGauge(3, 500));
        answers(a, 1, 2);
        recorder.sampleInFlight();
        assertThat(recorder.inFlight()).isEqualTo(new InFlightGauge(1, 200));
        b.closed();
        recorder.sampleInFlight();
        assertThat(recorder.inFlight()).isEqualTo(InFlightGauge.NONE);
    }

    @Test
    void switchedOffRecordsNothing() {
        AnalyticsRecorder recorder = new AnalyticsRecorder(new AnalyticsSettings(false, 16, 16), clock);
        ConnectionAnalytics c = recorder.open(CLIENT);
        assertThat(c).isSameAs(ConnectionAnalytics.NONE);
        c.onMessage(REQ, 1);
        c.closed();
        PendingAnalytics pending = new PendingAnalytics(16);
        recorder.drainInto(pending);
        assertThat(pending.isEmpty()).isTrue();
    }
}
