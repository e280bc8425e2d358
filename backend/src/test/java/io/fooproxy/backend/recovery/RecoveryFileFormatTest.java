package io.fooproxy.backend.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.fooproxy.backend.stats.AggregatorState;
import io.fooproxy.backend.stats.FrontendFigures;
import io.fooproxy.backend.stats.WindowBucket;
import io.fooproxy.proto.recovery.v1.AnalyticsRecord;
import io.fooproxy.proto.recovery.v1.ConsumerRecord;
import io.fooproxy.proto.recovery.v1.ConsumptionRecord;
import io.fooproxy.proto.recovery.v1.WindowSlice;
import io.fooproxy.proto.telemetry.v1.ProtocolCounters;
import io.fooproxy.proto.telemetry.v1.Counters;
import io.fooproxy.proto.telemetry.v1.FrontendState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecoveryFileFormatTest {

    static final long T = 1_700_000_000_000L;

    private static AggregatorState state(List<WindowBucket> window) {
        Counters a = Counters.newBuilder().setRequests(5).setAcks(4).setNaks(-1L)
                .setBytesClientToServer(1234).build();
        Counters b = Counters.newBuilder().setRequests(1).setConnectionsOpened(2).build();
        List<FrontendFigures> frontends = List.of(
                new FrontendFigures("a", a, -7L, 12, 12, 3, T - 5,
                        FrontendState.newBuilder().setActiveConnections(2).build()),
                new FrontendFigures("b \"quoted\" é", b, 1, 1, 1, 0, T - 1,
                        FrontendState.getDefaultInstance()));
        Counters totals = Counters.newBuilder().setRequests(6).setAcks(4).setNaks(-1L)
                .setBytesClientToServer(1234).setConnectionsOpened(2).build();
        return new AggregatorState(9, T, totals, frontends, window);
    }

    @Test
    void theHandWrittenWindowIsExactlyWhatJsonFormatWouldPrint() {
        List<WindowBucket> window = new ArrayList<>();
        window.add(new WindowBucket(T - 10_000, 1, 0, 0));
        window.add(new WindowBucket(T - 9_000, 0, 2, 3));
        window.add(new WindowBucket(T + 1_999, -1L, Long.MAX_VALUE, 7));
        AggregatorState s = state(window);
        String expected = RecoveryFileFormat.print(RecoveryFileFormat.toProto(s)) + "\n";
        assertThat(new String(RecoveryFileFormat.encode(s), StandardCharsets.UTF_8))
                .isEqualTo(expected);
    }

    @Test
    void anEmptyWindowIsLeftOut() {
        AggregatorState s = state(List.of());
        assertThat(new String(RecoveryFileFormat.encode(s), StandardCharsets.UTF_8))
                .isEqualTo(RecoveryFileFormat.print(RecoveryFileFormat.toProto(s)) + "\n")
                .doesNotContain("window");
    }

    @Test
    void encodeThenDecodeGivesTheSameSnapshot() throws Exception {
        List<WindowBucket> window = new ArrayList<>();
        for (long t = T - 10_000; t < T + 2_000; t += 7) {
            window.add(new WindowBucket(t, t & 3, t & 5, t & 1));
        }
        AggregatorState s = state(window);
        RestoredSnapshot r = RecoveryFileFormat.decode(RecoveryFileFormat.encode(s));
        assertThat(r.savedAtUnixMillis()).isEqualTo(T);
        assertThat(r.totals()).isEqualTo(s.totals());
        assertThat(r.frontends()).isEqualTo(s.frontends());
        assertThat(r.window()).isEqualTo(window);
    }

    @Test
    void theHandWrittenLatencySlicesAreExactlyWhatJsonFormatWouldPrint() throws Exception {
        AggregatorState plain = state(List.of(new WindowBucket(T - 1, 1, 2, 3)));
        List<WindowSlice> slices = List.of(
                WindowSlice.newBuilder().setStartUnixMillis(T - 200)
                        .setLatencyMicros(io.fooproxy.backend.analytics.AnalyticsBatches.histogram(5, 500))
                        .setAcks(3).setNaks(1).build(),
                WindowSlice.getDefaultInstance(), // every field at its default: {}
                WindowSlice.newBuilder().setStartUnixMillis(-1).setAcks(-1L).build(),
                WindowSlice.newBuilder().setStartUnixMillis(T).setNaks(Long.MAX_VALUE).build());
        AnalyticsRecord full = AnalyticsRecord.newBuilder()
                .setLatencyTotalMicros(io.fooproxy.backend.analytics.AnalyticsBatches.histogram(5, 500))
                .setProtocol(ProtocolCounters.newBuilder().setDuplicateAnswers(2))
                .addAllWindow(slices)
                .build();
        AnalyticsRecord onlySlices = AnalyticsRecord.newBuilder().addAllWindow(slices).build();
        AnalyticsRecord emptyProtocolLast = AnalyticsRecord.newBuilder()
                .setProtocol(ProtocolCounters.getDefaultInstance()).addWindow(slices.get(0)).build();
        FrontendFigures a = plain.frontends().get(0);
        FrontendFigures b = plain.frontends().get(1);
        for (AnalyticsRecord analytics : List.of(full, onlySlices, emptyProtocolLast)) {
            // the frontend with slices first, then last
            for (int withSlices = 0; withSlices < 2; withSlices++) {
                FrontendFigures f = withSlices == 0 ? a : b;
                FrontendFigures sliced = new FrontendFigures(f.frontendId(), f.totals(), f.incarnation(),
                        f.lastAppliedSequence(), f.batchesApplied(), f.batchesDuplicate(), f.lastSeenUnixMillis(),
                        f.lastState(), analytics);
                AggregatorState s = new AggregatorState(1, T, plain.totals(),
                        withSlices == 0 ? List.of(sliced, b) : List.of(a, sliced), plain.window());
                String text = new String(RecoveryFileFormat.encode(s), StandardCharsets.UTF_8);
                assertThat(text).isEqualTo(RecoveryFileFormat.print(RecoveryFileFormat.toProto(s)) + "\n");
                assertThat(RecoveryFileFormat.decode(text.getBytes(StandardCharsets.UTF_8))
                        .frontends().get(withSlices).analytics()).isEqualTo(analytics);
            }
        }
    }

    @Test
    void analyticsAndConsumptionRoundTripAndKeepJsonFormatsFieldOrder() throws Exception {
        AggregatorState plain = state(List.of(new WindowBucket(T - 1, 1, 2, 3)));
        AnalyticsRecord analytics = AnalyticsRecord.newBuilder()
                .setLatencyTotalMicros(io.fooproxy.backend.analytics.AnalyticsBatches.histogram(5, 500))
                .setProtocol(ProtocolCounters.newBuilder().setDuplicateAnswers(2))
                .build();
        FrontendFigures a = plain.frontends().get(0);
        FrontendFigures withAnalytics = new FrontendFigures(a.frontendId(), a.totals(), a.incarnation(),
                a.lastAppliedSequence(), a.batchesApplied(), a.batchesDuplicate(), a.lastSeenUnixMillis(),
                a.lastState(), analytics);
        ConsumptionRecord consumption = ConsumptionRecord.newBuilder().setCycleStartedUnixMillis(T)
                .setCycleMillis(86_400_000).setLastResetUnixMillis(T + 3).setTotalMessages(9).setTotalBytes(99)
                .addClients(ConsumerRecord.newBuilder().setAddress("127.0.0.1").setMessages(9).setBytes(99))
                .build();
        ConsumptionRecord zeros = ConsumptionRecord.newBuilder().setCycleMillis(60_000).setLastResetUnixMillis(-5)
                .addClients(ConsumerRecord.newBuilder().setAddress("fe80::1%eth0").setOvercountBytes(-1L))
                .addClients(ConsumerRecord.newBuilder().setAddress("::ffff:10.0.0.1").setMessages(3)
                        .setOvercountMessages(2))
                .build();
        // JsonFormat escapes some characters ('=' as \u003d, '<' …): such addresses take its path
        ConsumptionRecord odd = consumption.toBuilder()
                .addClients(ConsumerRecord.newBuilder().setAddress("a=b<c>'\"\n").setMessages(1)).build();
        for (ConsumptionRecord c : List.of(consumption, zeros, odd, ConsumptionRecord.newBuilder().setCycleMillis(1).build()))
        for (List<WindowBucket> window : List.of(plain.window(), List.<WindowBucket>of())) {
            AggregatorState s = new AggregatorState(1, T, plain.totals(),
                    List.of(withAnalytics, plain.frontends().get(1)), window, c);
            String text = new String(RecoveryFileFormat.encode(s), StandardCharsets.UTF_8);
            assertThat(text).isEqualTo(RecoveryFileFormat.print(RecoveryFileFormat.toProto(s)) + "\n");
            RestoredSnapshot r = RecoveryFileFormat.decode(text.getBytes(StandardCharsets.UTF_8));
            assertThat(r.frontends().get(0).analytics()).isEqualTo(analytics);
            assertThat(r.consumption()).isEqualTo(c);
            assertThat(r.window()).isEqualTo(window);
        }
    }
}
