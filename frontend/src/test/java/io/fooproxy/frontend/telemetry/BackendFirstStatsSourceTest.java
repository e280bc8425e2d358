package io.fooproxy.frontend.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.fooproxy.frontend.sniff.MessageType;
import io.fooproxy.frontend.stats.LocalCounters;
import io.fooproxy.proto.stats.v1.GetStatsRequest;
import io.fooproxy.proto.stats.v1.Stats;
import io.fooproxy.proto.stats.v1.StatsServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BackendFirstStatsSourceTest {

    @RegisterExtension
    final InProcessGrpc grpc = new InProcessGrpc();

    private final LocalCounters local = new LocalCounters(Clock.systemUTC());

    @Test
    void printsTheBackendsFiguresWhenItAnswers() {
        Stats backend = Stats.newBuilder().setMsgReq(1000).setMsgTotal(1000).setSource("backend").build();
        grpc.startServer(new StatsServiceGrpc.StatsServiceImplBase() {
            @Override
            public void getStats(GetStatsRequest request, StreamObserver<Stats> responses) {
                responses.onNext(backend);
                responses.onCompleted();
            }
        });
        local.onMessage(MessageType.REQ);

        Stats printed = new BackendFirstStatsSource(new BackendStatsClient(grpc.channel()), local).currentStats();

        assertThat(printed).isEqualTo(backend);
    }

    @Test
    void fallsBackToLocalFiguresAndSaysWhyWhenTheBackendIsAway() {
        local.onMessage(MessageType.REQ);
        local.onMessage(MessageType.REQ);
        local.onMessage(MessageType.NAK);

        Stats printed = new BackendFirstStatsSource(
                new BackendStatsClient(grpc.channel(), Duration.ofMillis(300)), local).currentStats();

        assertThat(printed.getSource()).isEqualTo(LocalCounters.SOURCE);
        assertThat(printed.getBackendError()).startsWith("UNAVAILABLE");
        assertThat(printed.getMsgReq()).isEqualTo(2);
        assertThat(printed.getMsgNak()).isEqualTo(1);
        assertThat(printed.getMsgTotal()).isEqualTo(3);
    }
}
