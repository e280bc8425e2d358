package io.fooproxy.backend.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fooproxy.proto.stats.v1.FrontendStats;
import io.fooproxy.proto.stats.v1.Stats;
import io.fooproxy.proto.telemetry.v1.Counters;
import io.fooproxy.proto.telemetry.v1.FrontendState;
import io.fooproxy.proto.telemetry.v1.MessageBucket;
import io.fooproxy.proto.telemetry.v1.TelemetryBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class StatsAggregatorTest {

    private static final long T = 1_700_000_000_000L;

    private final MutableClock clock = new MutableClock(T);
    private final StatsAggregator agg = new StatsAggregator(clock);

    @Test
    void steadyLoadFromBatchesReadsItsRateInBothWindows() {
        // 2 000 REQ/s and 2 000 ACK/s for 12 s, shipped every 50 ms as the clock moves
        long start = T;
        long seq = 1;
        for (long t = start; t < start + 12_000; t += 50) {
            clock.set(t + 50);
            assertThat(agg.apply(Batches.steady("fe", 7, seq++, t, t + 50, 2)))
                    .isEqualTo(ApplyOutcome.APPLIED);
        }
        Stats s = agg.snapshot();
        assertThat(s.getRequestRate1S()).isEqualTo(2000.0);
        assertThat(s.getRequestRate10S()).isEqualTo(2000.0);
        assertThat(s.getResponseRate1S()).isEqualTo(2000.0);
        assertThat(s.getResponseRate10S()).isEqualTo(2000.0);
        assertThat(s.getMsgReq()).isEqualTo(24_000);
        assertThat(s.getMsgAck()).isEqualTo(24_000);
        assertThat(s.getMsgTotal()).isEqualTo(48_000);
    }

    @Test
    void severalFrontendsAddIntoTheSameWindows() {
        clock.set(T + 10_000);
        agg.apply(Batches.steady("a", 1, 1, T, T + 10_000, 1));
        agg.apply(Batches.steady("b", 2, 1, T, T + 10_000, 2));
        Stats s = agg.snapshot();
        assertThat(s.getRequestRate1S()).isEqualTo(3000.0);
        assertThat(s.getRequestRate10S()).isEqualTo(3000.0);
        assertThat(s.getFrontendsList()).extracting(FrontendStats::getFrontendId)
                .containsExactly("a", "b");
        assertThat(s.getFrontends(1).getMsgReq()).isEqualTo(20_000);
    }

    @Test
    void aLiveFrontendsWatermarkHoldsTheWindowEndBack() {
        clock.set(T + 10_000);
        // "a" is live and has only shipped up to T + 9 500; "b" shipped everything
        agg.apply(Batches.steady("a", 1, 1, T, T + 9_500, 1));
        agg.streamOpened("a");
        agg.apply(Batches.steady("b", 2, 1, T + 9_000, T + 10_000, 1));
        agg.streamOpened("b");
        Stats s = agg.snapshot();
        // windows end at T + 9 500: 1 s = [T+8500, T+9500): 1000 of a + 500 of b
        assertThat(s.getRequestRate1S()).isEqualTo(1500.0);
        // 10 s = [T-500, T+9500): 9 500 of a + 500 of b
        assertThat(s.getRequestRate10S()).isEqualTo(1000.0);
    }

    @Test
    void aDisconnectedFrontendNoLongerHoldsTheEnd() {
        clock.set(T + 10_000);
        agg.apply(Batches.steady("a", 1, 1, T + 8_000, T + 8_001, 1)); // watermark T + 8 001
        agg.streamOpened("a");
        agg.apply(Batches.steady("b", 2, 1, T, T + 10_000, 1));
        agg.streamOpened("b");
        assertThat(agg.snapshot().getRequestRate1S()).isEqualTo(1001.0); // [T+7001, T+8001)

        agg.streamClosed("a");
        Stats s = agg.snapshot();
        assertThat(s.getRequestRate1S()).isEqualTo(1000.0); // [T+9000, T+10000)
        assertThat(s.getRequestRate10S()).isEqualTo(1000.1); // 10 000 of b + 1 of a
        assertThat(s.getFrontends(0).getConnected()).isFalse();
        assertThat(s.getFrontends(1).getConnected()).isTrue();
    }

    @Test
    void aFrontendWithTwoOpenStreamsStaysConnectedUntilBothClose() {
        agg.apply(Batches.steady("a", 1, 1, T - 10, T - 5, 1));
        agg.streamOpened("a");
        agg.streamOpened("a");
        agg.streamClosed("a");
        assertThat(agg.connectedFrontendCount()).isEqualTo(1);
        agg.streamClosed("a");
        assertThat(agg.connectedFrontendCount()).isZero();
        agg.streamClosed("a"); // one too many: ignored
        assertThat(agg.connectedFrontendCount()).isZero();
        assertThat(agg.knownFrontendCount()).isEqualTo(1);
        assertThat(agg.streamOpened("unknown")).isFalse();
    }

    @Test
    void aResentBatchIsCountedOnceAndRecordedAsDuplicate() {
        TelemetryBatch b = Batches.one("fe", 9, 1, T - 10, 3, 2, 1);
        assertThat(agg.apply(b)).isEqualTo(ApplyOutcome.APPLIED);
        assertThat(agg.apply(b)).isEqualTo(ApplyOutcome.DUPLICATE);
        assertThat(agg.apply(b.toBuilder().setSequence(1).clearBuckets().build()))
                .isEqualTo(ApplyOutcome.DUPLICATE);
        Stats s = agg.snapshot();
        assertThat(s.getMsgReq()).isEqualTo(3);
        assertThat(s.getMsgTotal()).isEqualTo(6);
        assertThat(s.getMsgInvalid()).isEqualTo(1);
        assertThat(s.getRequestRate1S()).isEqualTo(3.0);
        assertThat(s.getFrontends(0).getBatchesApplied()).isEqualTo(1);
        assertThat(s.getFrontends(0).getBatchesDuplicate()).isEqualTo(2);
    }

    @Test
    void aLowerSequenceIsADuplicateAndAHigherOneIsApplied() {
        agg.apply(Batches.one("fe", 9, 5, T - 10, 1, 0, 0));
        assertThat(agg.apply(Batches.one("fe", 9, 4, T - 10, 1, 0, 0)))
                .isEqualTo(ApplyOutcome.DUPLICATE);
        assertThat(agg.apply(Batches.one("fe", 9, 6, T - 10, 1, 0, 0)))
                .isEqualTo(ApplyOutcome.APPLIED);
        assertThat(agg.snapshot().getMsgReq()).isEqualTo(2);
    }

    @Test
    void aNewIncarnationStartsItsSequencesAfreshAndKeepsTheTotals() {
        agg.apply(Batches.one("fe", 1, 1, T - 10, 1, 0, 0));
        agg.apply(Batches.one("fe", 1, 2, T - 10, 1, 0, 0));
        assertThat(agg.apply(Batches.one("fe", 2, 1, T - 10, 1, 0, 0)))
                .isEqualTo(ApplyOutcome.APPLIED);
        assertThat(agg.apply(Batches.one("fe", 2, 1, T - 10, 1, 0, 0)))
                .isEqualTo(ApplyOutcome.DUPLICATE);
        assertThat(agg.snapshot().getMsgReq()).isEqualTo(3);
        FrontendFigures f = agg.exportState().frontends().get(0);
        assertThat(f.incarnation()).isEqualTo(2);
        assertThat(f.lastAppliedSequence()).isEqualTo(1);
    }

    @Test
    void bucketsOlderThan10sCountInTotalsOnly() {
        TelemetryBatch b = TelemetryBatch.newBuilder()
                .setFrontendId("fe").setIncarnation(1).setSequence(1)
                .setWatermarkUnixMillis(T)
                .addBuckets(MessageBucket.newBuilder()
                        .setStartUnixMillis(T - 60_000).setRequests(50).setNaks(5))
                .addBuckets(MessageBucket.newBuilder()
                        .setStartUnixMillis(T + 60_000).setRequests(70))
                .setCounters(Counters.newBuilder().setRequests(11).setAcks(12).setNaks(13))
                .build();
        agg.apply(b);
        Stats s = agg.snapshot();
        assertThat(s.getMsgReq()).isEqualTo(50 + 70 + 11);
        assertThat(s.getMsgAck()).isEqualTo(12);
        assertThat(s.getMsgNak()).isEqualTo(18);
        assertThat(s.getRequestRate10S()).isZero();
        assertThat(s.getResponseRate10S()).isZero();
        clock.advance(61_000);
        assertThat(agg.snapshot().getRequestRate10S()).isZero();
    }

    @Test
    void extrasAndGaugesFollowTheContract() {
        FrontendState state = FrontendState.newBuilder()
                .setActiveConnections(4).setBatchesSent(10).setBatchesAcked(9)
                .setBatchesResent(1).setBufferedBuckets(3).setOldestUnackedAgeMillis(20)
                .build();
        agg.apply(Batches.one("a", 1, 1, T - 1, 1, 1, 0).toBuilder().setState(state).build());
        agg.streamOpened("a");
        agg.apply(Batches.one("b", 1, 1, T - 1, 0, 0, 0).toBuilder()
                .setState(state.toBuilder().setActiveConnections(100))
                .setCounters(Counters.newBuilder()
                        .setOversizedLines(3).setConnectionsOpened(5).setConnectionsClosed(4)
                        .setUpstreamConnectFailures(2))
                .build());
        // "b" never opened a stream (or it closed): its gauges do not count as active
        clock.advance(2_500);
        Stats s = agg.snapshot();
        assertThat(s.getSource()).isEqualTo("backend");
        assertThat(s.getTimestampUnixMillis()).isEqualTo(T + 2_500);
        assertThat(s.getUptimeSeconds()).isEqualTo(2.5);
        assertThat(s.getMsgInvalid()).isEqualTo(1);
        assertThat(s.getMsgOversized()).isEqualTo(3);
        assertThat(s.getConnectionsTotal()).isEqualTo(2 + 5);
        assertThat(s.getConnectionsActive()).isEqualTo(4);
        assertThat(s.getBytesClientToServer()).isEqualTo(100);
        assertThat(s.getBytesServerToClient()).isEqualTo(200);
        assertThat(s.getUpstreamConnectFailures()).isEqualTo(2);
        FrontendStats a = s.getFrontends(0);
        assertThat(a.getConnected()).isTrue();
        assertThat(a.getConnectionsActive()).isEqualTo(4);
        assertThat(a.getLastSeenUnixMillis()).isEqualTo(T);
        assertThat(a.getBatchesSent()).isEqualTo(10);
        assertThat(a.getBatchesAcked()).isEqualTo(9);
        assertThat(a.getBatchesResent()).isEqualTo(1);
        assertThat(a.getBufferedBuckets()).isEqualTo(3);
        assertThat(a.getOldestUnackedAgeMillis()).isEqualTo(20);
        assertThat(s.getFrontends(1).getConnectionsActive()).isZero();
    }

    @Test
    void absurdValuesSaturateAndNeverThrow() {
        TelemetryBatch b = TelemetryBatch.newBuilder()
                .setFrontendId("fe").setIncarnation(-1).setSequence(Long.MAX_VALUE)
                .setWatermarkUnixMillis(Long.MIN_VALUE)
                .addBuckets(MessageBucket.newBuilder().setStartUnixMillis(Long.MIN_VALUE)
                        .setRequests(-1))
                .addBuckets(MessageBucket.newBuilder().setStartUnixMillis(Long.MAX_VALUE)
                        .setRequests(-1))
                .addBuckets(MessageBucket.newBuilder().setStartUnixMillis(T - 1)
                        .setRequests(-1).setAcks(-1).setNaks(-1))
                .setCounters(Counters.newBuilder().setRequests(-1).setBytesClientToServer(-1))
                .build();
        assertThat(agg.apply(b)).isEqualTo(ApplyOutcome.APPLIED);
        Stats s = agg.snapshot();
        assertThat(s.getMsgReq()).isEqualTo(SaturatingCounts.MAX);
        assertThat(s.getMsgTotal()).isEqualTo(SaturatingCounts.MAX);
        assertThat(s.getRequestRate1S()).isPositive();
    }

    @Test
    void invalidBatchesAreRefused() {
        assertThatThrownBy(() -> agg.apply(Batches.one("", 1, 1, T, 1, 0, 0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> agg.apply(Batches.one("fe", 1, 0, T, 1, 0, 0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(agg.knownFrontendCount()).isZero();
    }

    @Test
    void newFrontendsBeyondTheLimitAreRefused() {
        for (int i = 0; i < StatsAggregator.MAX_FRONTENDS; i++) {
            assertThat(agg.apply(Batches.one("fe-" + i, 1, 1, T, 1, 0, 0)))
                    .isEqualTo(ApplyOutcome.APPLIED);
        }
        assertThat(agg.apply(Batches.one("one-more", 1, 1, T, 1, 0, 0)))
                .isEqualTo(ApplyOutcome.REJECTED_TOO_MANY_FRONTENDS);
        assertThat(agg.apply(Batches.one("fe-0", 1, 2, T, 1, 0, 0)))
                .isEqualTo(ApplyOutcome.APPLIED);
        assertThat(agg.snapshot().getMsgReq()).isEqualTo(StatsAggregator.MAX_FRONTENDS + 1);
    }

    @Test
    void exportThenRestoreGivesBackTheSameFigures() {
        clock.set(T + 10_000);
        agg.apply(Batches.steady("a", 1, 1, T + 5_000, T + 10_000, 1));
        agg.apply(Batches.one("b", 3, 4, T + 9_999, 2, 1, 1));
        agg.apply(Batches.one("b", 3, 4, T + 9_999, 2, 1, 1));
        AggregatorState state = agg.exportState();
        assertThat(state.takenAtUnixMillis()).isEqualTo(T + 10_000);
        assertThat(state.totals().getRequests()).isEqualTo(5_002);
        assertThat(state.window()).hasSize(5_000);

        StatsAggregator other = new StatsAggregator(clock);
        other.restore(state.frontends(), state.window());
        Stats a = agg.snapshot();
        Stats b = other.snapshot();
        assertThat(b.toBuilder().clearUptimeSeconds().build())
                .isEqualTo(a.toBuilder().clearUptimeSeconds().build());
        assertThat(other.exportState().frontends()).isEqualTo(state.frontends());
        // the restored de-dup state recognises the resent batch
        assertThat(other.apply(Batches.one("b", 3, 4, T + 9_999, 2, 1, 1)))
                .isEqualTo(ApplyOutcome.DUPLICATE);
    }

    @Test
    void versionChangesWithEveryDurableChangeOnly() {
        long v0 = agg.version();
        agg.apply(Batches.one("a", 1, 1, T, 1, 0, 0));
        long v1 = agg.version();
        assertThat(v1).isGreaterThan(v0);
        agg.streamOpened("a");
        agg.snapshot();
        agg.exportState();
        assertThat(agg.version()).isEqualTo(v1);
        agg.apply(Batches.one("a", 1, 1, T, 1, 0, 0)); // duplicate: its count is durable state
        assertThat(agg.version()).isGreaterThan(v1);
        assertThat(agg.exportState().version()).isEqualTo(agg.version());
    }

    @Test
    void everyExportIsConsistentWithItsDeduplicationState() throws Exception {
        // each batch carries exactly one REQ, so in any consistent copy a frontend's REQ total
        // equals its last applied sequence
        int writers = 2;
        int batches = 2_000;
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean bad = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            String id = "fe-" + w;
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int seq = 1; seq <= batches; seq++) {
                    agg.apply(Batches.one(id, 1, seq, T - 1, 1, 0, 0));
                    agg.apply(Batches.one(id, 1, seq, T - 1, 1, 0, 0)); // resent
                }
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        int exports = 0;
        while (threads.stream().anyMatch(Thread::isAlive) || exports == 0) {
            AggregatorState s = agg.exportState();
            exports++;
            long sum = 0;
            for (FrontendFigures f : s.frontends()) {
                if (f.totals().getRequests() != f.lastAppliedSequence()) {
                    bad.set(true);
                }
                sum += f.totals().getRequests();
            }
            if (sum != s.totals().getRequests()) {
                bad.set(true);
            }
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(bad).isFalse();
        assertThat(agg.snapshot().getMsgReq()).isEqualTo((long) writers * batches);
    }
}
