package io.fooproxy.backend.analytics;

import static io.fooproxy.backend.analytics.AnalyticsBatches.batch;
import static io.fooproxy.backend.analytics.AnalyticsBatches.client;
import static io.fooproxy.backend.analytics.AnalyticsBatches.histogram;
import static io.fooproxy.backend.analytics.AnalyticsBatches.slice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.ByteString;
import io.fooproxy.backend.stats.ApplyOutcome;
import io.fooproxy.backend.stats.MutableClock;
import io.fooproxy.backend.stats.StatsAggregator;
import io.fooproxy.proto.stats.v1.Latency;
import io.fooproxy.proto.stats.v1.Stats;
import io.fooproxy.proto.telemetry.v1.Analytics;
import io.fooproxy.proto.telemetry.v1.FrontendState;
import io.fooproxy.proto.telemetry.v1.LatencySlice;
import io.fooproxy.proto.telemetry.v1.MessageBucket;
import io.fooproxy.proto.telemetry.v1.ProtocolCounters;
import io.fooproxy.proto.telemetry.v1.TelemetryBatch;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Analytics through the aggregator: windows and their edges on a fake clock, exactly-once, gauges. */
class AnalyticsAggregationTest {
    /** A multiple of 100 ms. */
    private static final long T = 1_700_000_000_000L;

    private final MutableClock clock = new MutableClock(T);
    private final StatsAggregator agg = new StatsAggregator(clock);

    @Test
    void percentilesOfKnownSamples() {
        long[] micros = LongStream.rangeClosed(1, 10_000).toArray();
        agg.apply(batch("fe", 1, 1, T, Analytics.newBuilder().addLatency(slice(T - 100, micros)).build()));
        Latency total = agg.snapshot().getAnalytics().getLatencyTotal();
        assertThat(total.getCount()).isEqualTo(10_000);
        // the backend keeps two significant digits: every figure within 1 % of the exact one
        assertThat(total.getP50Us()).isCloseTo(5_000, within(50.0));
        assertThat(total.getP90Us()).isCloseTo(9_000, within(90.0));
        assertThat(total.getP99Us()).isCloseTo(9_900, within(99.0));
        assertThat(total.getP999Us()).isCloseTo(9_990, within(100.0));
        assertThat(total.getMaxUs()).isCloseTo(10_000, within(100.0));
        assertThat(total.getMeanUs()).isCloseTo(5_000.5, within(50.0));
        assertThat(agg.snapshot().getAnalytics().getLatency1S()).isEqualTo(total);
    }

    @Test
    void windowsCountWholeSlicesEndingAtTheWindowEnd() {
        agg.apply(batch("fe", 1, 1, 0, Analytics.newBuilder()
                .addLatency(slice(T - 10_100, 60))
                .addLatency(slice(T - 10_000, 50))
                .addLatency(slice(T - 1_100, 10))
                .addLatency(slice(T - 1_000, 20))
                .addLatency(slice(T - 100, 30))
                .addLatency(slice(T, 40)) // still open at T: not in any window yet
                .build()));
        assertWindows(2, 4, 6);
        clock.set(T + 99); // the end rounds down to T: nothing moves
        assertWindows(2, 4, 6);
        clock.set(T + 100); // T-1000 leaves the 1 s window, T-10000 the 10 s one, T enters both
        assertWindows(2, 4, 6);
        assertThat(agg.snapshot().getAnalytics().getLatency1S().getMaxUs()).isCloseTo(40, within(0.5));
        clock.set(T + 1_000);
        assertWindows(1, 4, 6);

        // a slice that arrives too late for any window counts in the total only
        agg.apply(batch("fe", 1, 2, 0, Analytics.newBuilder().addLatency(slice(T - 20_000, 70)).build()));
        assertWindows(1, 4, 7);
    }

    @Test
    void aLiveFrontendsWatermarkHoldsTheLatencyWindowsBackLikeTheRates() {
        agg.apply(batch("fe", 1, 1, T - 500, Analytics.newBuilder()
                .addLatency(slice(T - 1_600, 5))
                .addLatency(slice(T - 1_500, 10))
                .addLatency(slice(T - 600, 20))
                .addLatency(slice(T - 500, 30)) // after the watermark
                .build()));
        assertWindows(2, 4, 4); // not connected: windows end at now, [T-1000, T) holds T-600 and T-500
        assertThat(agg.streamOpened("fe")).isTrue();
        // windows end at T-500: the 1 s window is the slices starting in [T-1500, T-500)
        assertWindows(2, 3, 4);
        Stats s = agg.snapshot();
        assertThat(s.getAnalytics().getLatency1S().getMaxUs()).isCloseTo(20, within(0.5));
        assertThat(s.getFrontends(0).getAnalytics().getLatency1S()).isEqualTo(s.getAnalytics().getLatency1S());
    }

    @Test
    void aDuplicateBatchAppliesNoAnalytics() {
        TelemetryBatch b = batch("fe", 1, 1, T, Analytics.newBuilder()
                .addLatency(slice(T - 100, 100, 200))
                .setProtocol(ProtocolCounters.newBuilder().setDuplicateAnswers(2).setUnknownSeqAnswers(1))
                .setConnectionDurationMillis(histogram(1_000, 3_000))
                .setMessagesPerConnection(histogram(10, 30))
                .addClients(client("127.0.0.7", 40, 4_000))
                .setOtherClients(client("", 2, 20))
                .build());
        assertThat(agg.apply(b)).isEqualTo(ApplyOutcome.APPLIED);
        Stats once = agg.snapshot();
        assertThat(agg.apply(b)).isEqualTo(ApplyOutcome.DUPLICATE);
        Stats twice = agg.snapshot();
        assertThat(twice.getAnalytics()).isEqualTo(once.getAnalytics());
        assertThat(twice.getAnalytics().getLatencyTotal().getCount()).isEqualTo(2);
        assertThat(twice.getAnalytics().getViolations().getDuplicateAnswers()).isEqualTo(2);
        assertThat(twice.getAnalytics().getViolations().getUnknownSeqAnswers()).isEqualTo(1);
        assertThat(twice.getAnalytics().getConnectionDurationMillis().getCount()).isEqualTo(2);
        assertThat(twice.getAnalytics().getConnectionDurationMillis().getMean()).isCloseTo(2_000, within(20.0));
        assertThat(twice.getAnalytics().getMessagesPerConnection().getMax()).isCloseTo(30, within(0.5));
        assertThat(twice.getAnalytics().getConsumption().getTotalMessages()).isEqualTo(42);
        assertThat(twice.getAnalytics().getConsumption().getTopList()).hasSize(1);
        assertThat(twice.getAnalytics().getConsumption().getTop(0).getMessages()).isEqualTo(40);
    }

    @Test
    void inFlightSumsOverConnectedFrontendsAndTakesTheOldest() {
        agg.apply(withState("a", 3, 40));
        agg.apply(withState("b", 5, 12));
        assertThat(agg.snapshot().getAnalytics().getInFlightRequests()).isZero(); // none connected
        agg.streamOpened("a");
        agg.streamOpened("b");
        Stats s = agg.snapshot();
        assertThat(s.getAnalytics().getInFlightRequests()).isEqualTo(8);
        assertThat(s.getAnalytics().getOldestInFlightAgeMillis()).isEqualTo(40);
        assertThat(s.getFrontends(1).getAnalytics().getInFlightRequests()).isEqualTo(5);
        assertThat(s.getFrontends(1).getAnalytics().hasConsumption()).isFalse();
        agg.streamClosed("a");
        assertThat(agg.snapshot().getAnalytics().getOldestInFlightAgeMillis()).isEqualTo(12);
    }

    @Test
    void violationsAndDistributionsAddUpOverFrontends() {
        agg.apply(batch("a", 1, 1, T, Analytics.newBuilder()
                .setProtocol(ProtocolCounters.newBuilder().setRequestsFromServer(1).setAnswersFromClient(2)
                        .setNonSequentialRequests(3).setOutOfOrderAnswers(4).setOutstandingOverflow(5)
                        .setUnansweredRequests(6).setUntrackedAnswers(7))
                .setConnectionDurationMillis(histogram(100)).build()));
        agg.apply(batch("b", 1, 1, T, Analytics.newBuilder()
                .setProtocol(ProtocolCounters.newBuilder().setRequestsFromServer(10))
                .setConnectionDurationMillis(histogram(300)).build()));
        Stats s = agg.snapshot();
        assertThat(s.getAnalytics().getViolations().getRequestsFromServer()).isEqualTo(11);
        assertThat(s.getAnalytics().getViolations().getAnswersFromClient()).isEqualTo(2);
        assertThat(s.getAnalytics().getViolations().getNonSequentialRequests()).isEqualTo(3);
        assertThat(s.getAnalytics().getViolations().getOutOfOrderAnswers()).isEqualTo(4);
        assertThat(s.getAnalytics().getViolations().getOutstandingOverflow()).isEqualTo(5);
        assertThat(s.getAnalytics().getViolations().getUnansweredRequests()).isEqualTo(6);
        assertThat(s.getAnalytics().getViolations().getUntrackedAnswers()).isEqualTo(7);
        assertThat(s.getFrontends(1).getAnalytics().getViolations().getRequestsFromServer()).isEqualTo(10);
        assertThat(s.getAnalytics().getConnectionDurationMillis().getCount()).isEqualTo(2);
        assertThat(s.getAnalytics().getConnectionDurationMillis().getMax()).isCloseTo(300, within(3.0));
    }

    @Test
    void nakRatioPerWindow() {
        TelemetryBatch.Builder b = TelemetryBatch.newBuilder().setFrontendId("fe").setIncarnation(1).setSequence(1);
        b.addBuckets(MessageBucket.newBuilder().setStartUnixMillis(T - 5_000).setAcks(7).setNaks(1));
        b.addBuckets(MessageBucket.newBuilder().setStartUnixMillis(T - 500).setAcks(1).setNaks(1));
        agg.apply(b.build());
        Stats s = agg.snapshot();
        assertThat(s.getAnalytics().getNakRatio1S()).isEqualTo(0.5);
        assertThat(s.getAnalytics().getNakRatio10S()).isEqualTo(0.2);
        assertThat(s.getFrontends(0).getAnalytics().getNakRatio1S()).isEqualTo(0.5);
        assertThat(s.getFrontends(0).getAnalytics().getNakRatio10S()).isEqualTo(0.2);
    }

    @Test
    void aHistogramThatDoesNotDecodeIsLeftOutAndTheRestApplies() {
        agg.apply(batch("fe", 1, 1, T, Analytics.newBuilder()
                .addLatency(LatencySlice.newBuilder().setStartUnixMillis(T - 100)
                        .setHistogram(ByteString.copyFromUtf8("not a histogram")))
                .addLatency(slice(T - 200, 5))
                .setProtocol(ProtocolCounters.newBuilder().setDuplicateAnswers(1))
                .build()));
        Stats s = agg.snapshot();
        assertThat(s.getAnalytics().getLatencyTotal().getCount()).isEqualTo(1);
        assertThat(s.getAnalytics().getViolations().getDuplicateAnswers()).isEqualTo(1);
    }

    private TelemetryBatch withState(String id, long inFlight, long oldest) {
        return TelemetryBatch.newBuilder().setFrontendId(id).setIncarnation(1).setSequence(1)
                .setState(FrontendState.newBuilder().setInFlightRequests(inFlight).setOldestInFlightAgeMillis(oldest))
                .build();
    }

    private void assertWindows(long oneSecond, long tenSeconds, long total) {
        Stats s = agg.snapshot();
        assertThat(s.getAnalytics().getLatency1S().getCount()).as("1s").isEqualTo(oneSecond);
        assertThat(s.getAnalytics().getLatency10S().getCount()).as("10s").isEqualTo(tenSeconds);
        assertThat(s.getAnalytics().getLatencyTotal().getCount()).as("total").isEqualTo(total);
        assertThat(s.getFrontends(0).getAnalytics().getLatency10S().getCount()).as("frontend 10s").isEqualTo(tenSeconds);
    }
}
