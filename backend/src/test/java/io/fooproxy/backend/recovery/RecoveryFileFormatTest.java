package io.fooproxy.backend.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.fooproxy.backend.stats.AggregatorState;
import io.fooproxy.backend.stats.FrontendFigures;
import io.fooproxy.backend.stats.WindowBucket;
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
}
