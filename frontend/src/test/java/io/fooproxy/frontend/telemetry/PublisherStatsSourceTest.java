package io.fooproxy.frontend.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.fooproxy.frontend.sniff.MessageType;
import io.fooproxy.frontend.stats.LocalCounters;
import io.fooproxy.proto.json.StatsJson;
import io.fooproxy.proto.stats.v1.PublisherStats;
import io.fooproxy.proto.stats.v1.Stats;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PublisherStatsSourceTest {

    @RegisterExtension
    final InProcessGrpc grpc = new InProcessGrpc();

    private static PublisherStatus status(BackendConnectionState state, long acked) {
        return new PublisherStatus("fe-1", state, 12, acked, 3, 140, 10_000, 250, 2, 12, acked,
                1_700_000_000_000L, "UNAVAILABLE: io exception");
    }

    @Test
    void addsThePublisherFiguresToTheBackendsFigures() {
        Stats backend = Stats.newBuilder().setMsgReq(1000).setMsgTotal(1000).setSource("backend").build();

        Stats printed = new PublisherStatsSource(() -> backend,
                () -> status(BackendConnectionState.CONNECTED, 10)).currentStats();

        assertThat(printed.toBuilder().clearPublisher().build()).isEqualTo(backend);
        PublisherStats p = printed.getPublisher();
        assertThat(p.getFrontendId()).isEqualTo("fe-1");
        assertThat(p.getBackendConnection()).isEqualTo(PublisherStats.ConnectionState.CONNECTED);
        assertThat(p.getBatchesSent()).isEqualTo(12);
        assertThat(p.getBatchesAcked()).isEqualTo(10);
        assertThat(p.getBatchesResent()).isEqualTo(3);
        assertThat(p.getBufferedBuckets()).isEqualTo(140);
        assertThat(p.getMaxBufferedBuckets()).isEqualTo(10_000);
        assertThat(p.getOldestUnackedAgeMillis()).isEqualTo(250);
        assertThat(p.getUnackedBatches()).isEqualTo(2);
        assertThat(p.getLastSequence()).isEqualTo(12);
        assertThat(p.getAckedThroughSequence()).isEqualTo(10);
        assertThat(p.getLastError()).isEqualTo("UNAVAILABLE: io exception");
    }

    @Test
    void addsThemToTheLocalFiguresWhenTheBackendIsAwayAndReadsThemFreshEachTime() {
        LocalCounters local = new LocalCounters(Clock.systemUTC());
        local.onMessage(MessageType.REQ);
        AtomicReference<PublisherStatus> current =
                new AtomicReference<>(status(BackendConnectionState.DISCONNECTED, 5));
        PublisherStatsSource source = new PublisherStatsSource(new BackendFirstStatsSource(
                new BackendStatsClient(grpc.channel(), Duration.ofMillis(300)), local), current::get);

        Stats first = source.currentStats();
        current.set(status(BackendConnectionState.CONNECTING, 7));
        Stats second = source.currentStats();

        assertThat(first.getSource()).isEqualTo(LocalCounters.SOURCE);
        assertThat(first.getBackendError()).startsWith("UNAVAILABLE");
        assertThat(first.getMsgReq()).isEqualTo(1);
        assertThat(first.getPublisher().getBackendConnection())
                .isEqualTo(PublisherStats.ConnectionState.DISCONNECTED);
        assertThat(second.getPublisher().getBackendConnection())
                .isEqualTo(PublisherStats.ConnectionState.CONNECTING);
        assertThat(second.getPublisher().getBatchesAcked()).isEqualTo(7);
        assertThat(StatsJson.toJson(second)).contains("\"publisher\":{\"frontend_id\":\"fe-1\","
                + "\"backend_connection\":\"connecting\",\"batches_sent\":12,\"batches_acked\":7,");
    }
}
