package io.fooproxy.frontend.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fooproxy.proto.stats.v1.GetStatsRequest;
import io.fooproxy.proto.stats.v1.Stats;
import io.fooproxy.proto.stats.v1.StatsServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BackendStatsClientTest {

    @RegisterExtension
    final InProcessGrpc grpc = new InProcessGrpc();

    @Test
    void returnsTheBackendsStats() {
        Stats stats = Stats.newBuilder().setMsgTotal(6).setMsgReq(3).setMsgAck(2).setMsgNak(1)
                .setRequestRate1S(1.5).setSource("backend").build();
        grpc.startServer(new StatsServiceGrpc.StatsServiceImplBase() {
            @Override
            public void getStats(GetStatsRequest request, StreamObserver<Stats> responses) {
                responses.onNext(stats);
                responses.onCompleted();
            }
        });

        BackendStatsResult result = new BackendStatsClient(grpc.channel()).fetch();

        assertThat(result.ok()).isTrue();
        assertThat(result.error()).isNull();
        assertThat(result.stats()).isEqualTo(stats);
        assertThat(result.asOptional()).contains(stats);
    }

    @Test
    void unreachableBackendFailsFastWithTheReason() {
        long began = System.nanoTime();
        BackendStatsResult result =
                new BackendStatsClient(grpc.channel(), Duration.ofSeconds(30)).fetch();
        long tookMillis = (System.nanoTime() - began) / 1_000_000;

        assertThat(result.ok()).isFalse();
        assertThat(result.asOptional()).isEmpty();
        assertThat(result.error()).startsWith("UNAVAILABLE");
        assertThat(tookMillis).isLessThan(10_000);
    }

    @Test
    void backendThatDoesNotAnswerHitsTheDeadline() {
        grpc.startServer(new StatsServiceGrpc.StatsServiceImplBase() {
            @Override
            public void getStats(GetStatsRequest request, StreamObserver<Stats> responses) {
                // Never answers.
            }
        });

        long began = System.nanoTime();
        BackendStatsResult result =
                new BackendStatsClient(grpc.channel(), Duration.ofMillis(200)).fetch();
        long tookMillis = (System.nanoTime() - began) / 1_000_000;

        assertThat(result.ok()).isFalse();
        assertThat(result.error()).startsWith("DEADLINE_EXCEEDED");
        assertThat(tookMillis).isBetween(150L, 5_000L);
    }

    @Test
    void resultHasExactlyOneOfStatsAndError() {
        assertThatThrownBy(() -> new BackendStatsResult(null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BackendStatsResult(Stats.getDefaultInstance(), "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
