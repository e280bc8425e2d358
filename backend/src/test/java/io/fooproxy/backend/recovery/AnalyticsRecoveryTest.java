package io.fooproxy.backend.recovery;

import static io.fooproxy.backend.analytics.AnalyticsBatches.batch;
import static io.fooproxy.backend.analytics.AnalyticsBatches.client;
import static io.fooproxy.backend.analytics.AnalyticsBatches.histogram;
import static io.fooproxy.backend.analytics.AnalyticsBatches.slice;
import static org.assertj.core.api.Assertions.assertThat;

import io.fooproxy.backend.analytics.AnalyticsSettings;
import io.fooproxy.backend.analytics.ConsumerOrder;
import io.fooproxy.backend.stats.ApplyOutcome;
import io.fooproxy.backend.stats.MutableClock;
import io.fooproxy.backend.stats.StatsAggregator;
import io.fooproxy.proto.stats.v1.Analytics;
import io.fooproxy.proto.stats.v1.Stats;
import io.fooproxy.proto.stats.v1.TopConsumers;
import io.fooproxy.proto.telemetry.v1.ProtocolCounters;
import io.fooproxy.proto.telemetry.v1.TelemetryBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Analytics and consumption across a restart, through the real file. */
class AnalyticsRecoveryTest {
    private static final long HOUR = 3_600_000L;
    /** 2023-11-14T22:00:00Z: a multiple of an hour. */
    private static final long T = 1_700_000_000_000L / HOUR * HOUR;
    private static final AnalyticsSettings HOURLY = new AnalyticsSettings(Duration.ofHours(1), 100, 5);

    @TempDir
    Path dir;

    private final List<RecoveryManager> managers = new ArrayList<>();

    @AfterEach
    void closeAll() {
        managers.forEach(RecoveryManager::close);
    }

    private RecoveryManager restored(Path path, StatsAggregator agg, MutableClock clock) {
        RecoveryManager m = new RecoveryManager(new RecoverySettings(path, Duration.ofMillis(20)), agg, clock);
        managers.add(m);
        m.restore();
        return m;
    }

    private static TelemetryBatch analyticsBatch(String id, long seq, long at) {
        return batch(id, 9, seq, at, io.fooproxy.proto.telemetry.v1.Analytics.newBuilder()
                .addLatency(slice(at - at % 100 - 100, 100, 200, 300, 4_000))
                .setProtocol(ProtocolCounters.newBuilder().setOutOfOrderAnswers(3).setUnansweredRequests(1))
                .setConnectionDurationMillis(histogram(1_500))
                .setMessagesPerConnection(histogram(12))
                .addClients(client("127.0.0.2", 30, 3_000))
                .addClients(client("127.0.0.3", 10, 1_000))
                .setOtherClients(client("", 5, 500))
                .build());
    }

    @Test
    void analyticsAndConsumptionSurviveARestartAndTheLastResetIsKept() throws Exception {
        Path path = dir.resolve("recovery.json");
        MutableClock clock = new MutableClock(T + 10 * 60_000);
        StatsAggregator before = new StatsAggregator(clock, HOURLY);
        RecoveryManager m1 = restored(path, before, clock);
        before.apply(analyticsBatch("fe-a", 1, clock.millis()));
        clock.set(T + HOUR + 1_000); // over the boundary: the next access resets
        assertThat(before.snapshot().getAnalytics().getConsumption().getLastResetUnixMillis()).isEqualTo(T + HOUR + 1_000);
        before.apply(analyticsBatch("fe-a", 2, clock.millis()));
        before.apply(analyticsBatch("fe-b", 1, clock.millis()));
        Stats saved = before.snapshot();
        m1.close(); // the final write
        assertThat(Files.readString(path, StandardCharsets.UTF_8)).contains("\"consumption\":", "\"analytics\":");

        clock.advance(30_000);
        StatsAggregator after = new StatsAggregator(clock, HOURLY);
        restored(path, after, clock);
        Analytics was = saved.getAnalytics();
        Analytics is = after.snapshot().getAnalytics();
        assertThat(is.getLatencyTotal()).isEqualTo(was.getLatencyTotal());
        assertThat(is.getLatencyTotal().getCount()).isEqualTo(12);
        assertThat(is.getViolations()).isEqualTo(was.getViolations());
        assertThat(is.getViolations().getOutOfOrderAnswers()).isEqualTo(9);
        assertThat(is.getConnectionDurationMillis()).isEqualTo(was.getConnectionDurationMillis());
        assertThat(is.getMessagesPerConnection()).isEqualTo(was.getMessagesPerConnection());
        assertThat(is.getConsumption()).isEqualTo(was.getConsumption());
        TopConsumers c = is.getConsumption();
        assertThat(c.getTotalMessages()).isEqualTo(90); // this cycle only: two batches of 45
        assertThat(c.getTop(0).getAddress()).isEqualTo("127.0.0.2");
        assertThat(c.getTop(0).getMessages()).isEqualTo(60);
        assertThat(c.getLastResetUnixMillis()).isEqualTo(T + HOUR + 1_000);
        assertThat(c.getCycleStartedUnixMillis()).isEqualTo(T + HOUR);
        // per frontend too
        assertThat(after.snapshot().getFrontends(0).getAnalytics().getLatencyTotal())
                .isEqualTo(saved.getFrontends(0).getAnalytics().getLatencyTotal());
        // the restored de-duplication still applies nothing twice
        assertThat(after.apply(analyticsBatch("fe-b", 1, clock.millis()))).isEqualTo(ApplyOutcome.DUPLICATE);
        assertThat(after.snapshot().getAnalytics().getLatencyTotal().getCount()).isEqualTo(12);
    }

    @Test
    void aRestartAfterTheCycleEndedStartsANewCycle() throws Exception {
        Path path = dir.resolve("recovery.json");
        MutableClock clock = new MutableClock(T + 1_000);
        StatsAggregator before = new StatsAggregator(clock, HOURLY);
        RecoveryManager m1 = restored(path, before, clock);
        before.apply(analyticsBatch("fe-a", 1, clock.millis()));
        m1.close();

        clock.set(T + HOUR + 5_000); // down across the boundary
        StatsAggregator after = new StatsAggregator(clock, HOURLY);
        restored(path, after, clock);
        TopConsumers c = after.topConsumers(0, ConsumerOrder.MESSAGES);
        assertThat(c.getTotalMessages()).isZero();
        assertThat(c.getTopList()).isEmpty();
        assertThat(c.getCycleStartedUnixMillis()).isEqualTo(T + HOUR);
        assertThat(c.getLastResetUnixMillis()).isEqualTo(T + HOUR + 5_000);
        // the since-start analytics are not per cycle: they stay
        assertThat(after.snapshot().getAnalytics().getLatencyTotal().getCount()).isEqualTo(4);
    }

    @Test
    void aFileWrittenBeforeAnalyticsExistedStillLoads() throws Exception {
        Path path = dir.resolve("recovery.json");
        // the layout of the previous release: no analytics in the frontends, no consumption
        Files.writeString(path, "{\"format_version\":1,\"saved_at_unix_millis\":\"" + T + "\","
                + "\"totals\":{\"requests\":\"5\",\"acks\":\"4\"},"
                + "\"frontends\":[{\"frontend_id\":\"fe\",\"totals\":{\"requests\":\"5\",\"acks\":\"4\"},"
                + "\"incarnation\":\"7\",\"last_applied_sequence\":\"3\",\"batches_applied\":\"3\","
                + "\"last_seen_unix_millis\":\"" + (T - 5) + "\",\"last_state\":{}}]}\n");
        MutableClock clock = new MutableClock(T + 1_000);
        StatsAggregator agg = new StatsAggregator(clock, HOURLY);
        restored(path, agg, clock);
        Stats s = agg.snapshot();
        assertThat(s.getMsgReq()).isEqualTo(5);
        assertThat(s.getMsgAck()).isEqualTo(4);
        assertThat(s.getAnalytics().getLatencyTotal().getCount()).isZero();
        assertThat(s.getAnalytics().getConsumption().getLastResetUnixMillis()).isZero();
        assertThat(s.getAnalytics().getConsumption().getCycleStartedUnixMillis()).isEqualTo(T);
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).containsExactly("recovery.json");
        // and it goes on from there: a new batch counts, the next file carries the analytics
        assertThat(agg.apply(batch("fe", 7, 3, clock.millis(), io.fooproxy.proto.telemetry.v1.Analytics.newBuilder()
                .addLatency(slice(T, 50)).build()))).isEqualTo(ApplyOutcome.DUPLICATE);
        assertThat(agg.apply(batch("fe", 7, 4, clock.millis(), io.fooproxy.proto.telemetry.v1.Analytics.newBuilder()
                .addLatency(slice(T, 50)).build()))).isEqualTo(ApplyOutcome.APPLIED);
        assertThat(agg.snapshot().getAnalytics().getLatencyTotal().getCount()).isEqualTo(1);
    }

    @Test
    void aMalformedAnalyticsHistogramMakesTheFileCorrupt() throws Exception {
        Path path = dir.resolve("recovery.json");
        Files.writeString(path, "{\"format_version\":1,\"saved_at_unix_millis\":\"" + T + "\","
                + "\"frontends\":[{\"frontend_id\":\"fe\",\"analytics\":{\"latency_total_micros\":\"AAAA\"}}]}\n");
        MutableClock clock = new MutableClock(T + 1_000);
        StatsAggregator agg = new StatsAggregator(clock, HOURLY);
        restored(path, agg, clock);
        assertThat(agg.knownFrontendCount()).isZero();
        assertThat(Files.list(dir).map(p -> p.getFileName().toString()))
                .anyMatch(n -> n.startsWith("recovery.json.corrupt-"));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "restart {0} ms after the last save")
    @org.junit.jupiter.params.provider.CsvSource({
        // slices at now-9900 (1 sample), now-500 (2) and answers in the slice at now-10000;
        // restored: the slices starting at or after (restart - 10 s), if saved less than 10 s ago
        "0,     2, 3, 0.25",
        "50,    2, 3, 0",
        "1500,  0, 2, 0",
        "9999,  0, 0, 0",
        "10000, 0, 0, 0",
    })
    void latencyWindowsAndFrontendNakRatiosComeBackUnderTheRecoveryRule(
            long gap, long oneSecond, long tenSeconds, double nakRatio10s)
            throws Exception {
        Path path = dir.resolve("recovery.json");
        MutableClock clock = new MutableClock(T + 60_000);
        long now = clock.millis();
        StatsAggregator before = new StatsAggregator(clock, HOURLY);
        RecoveryManager m1 = restored(path, before, clock);
        before.apply(batch("fe", 1, 1, now, io.fooproxy.proto.telemetry.v1.Analytics.newBuilder()
                .addLatency(slice(now - 9_900, 70))
                .addLatency(slice(now - 500, 10, 20))
                .build()).toBuilder()
                .addBuckets(io.fooproxy.proto.telemetry.v1.MessageBucket.newBuilder()
                        .setStartUnixMillis(now - 9_950).setAcks(3).setNaks(1))
                .build());
        Stats saved = before.snapshot();
        assertThat(saved.getAnalytics().getLatency1S().getCount()).isEqualTo(2);
        assertThat(saved.getAnalytics().getLatency10S().getCount()).isEqualTo(3);
        m1.close();

        clock.advance(gap);
        StatsAggregator after = new StatsAggregator(clock, HOURLY);
        restored(path, after, clock);
        Stats s = after.snapshot();
        assertThat(s.getAnalytics().getLatency1S().getCount()).isEqualTo(oneSecond);
        assertThat(s.getAnalytics().getLatency10S().getCount()).isEqualTo(tenSeconds);
        assertThat(s.getFrontends(0).getAnalytics().getLatency10S().getCount()).isEqualTo(tenSeconds);
        assertThat(s.getFrontends(0).getAnalytics().getNakRatio10S()).isEqualTo(nakRatio10s);
        assertThat(s.getAnalytics().getLatencyTotal().getCount()).isEqualTo(3);
    }
}
