package io.fooproxy.backend.grpc;

import static io.fooproxy.backend.analytics.AnalyticsBatches.batch;
import static io.fooproxy.backend.analytics.AnalyticsBatches.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fooproxy.backend.analytics.AnalyticsSettings;
import io.fooproxy.backend.stats.MutableClock;
import io.fooproxy.backend.stats.StatsAggregator;
import io.fooproxy.proto.stats.v1.Consumer;
import io.fooproxy.proto.stats.v1.GetStatsRequest;
import io.fooproxy.proto.stats.v1.GetTopConsumersRequest;
import io.fooproxy.proto.stats.v1.StatsServiceGrpc;
import io.fooproxy.proto.stats.v1.TopConsumers;
import io.fooproxy.proto.telemetry.v1.Analytics;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GetTopConsumers over in-process gRPC against a real aggregator. */
class TopConsumersServiceTest {
    private static final long T = 1_700_000_000_000L;

    @RegisterExtension
    final GrpcCleanup grpc = new GrpcCleanup();

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final StatsAggregator agg =
            new StatsAggregator(new MutableClock(T), new AnalyticsSettings(Duration.ofDays(1), 50, 2));
    private StatsServiceGrpc.StatsServiceBlockingStub stub;

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        grpc.register(InProcessServerBuilder.forName(name).directExecutor()
                .addService(new StatsServiceImpl(agg, agg, scheduler)).build().start());
        ManagedChannel channel = grpc.register(InProcessChannelBuilder.forName(name).directExecutor().build());
        stub = StatsServiceGrpc.newBlockingStub(channel);
        agg.apply(batch("fe", 1, 1, T, Analytics.newBuilder()
                .addClients(client("127.0.0.1", 10, 100_000))
                .addClients(client("127.0.0.2", 30, 3_000))
                .addClients(client("127.0.0.3", 20, 20_000))
                .build()));
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void ranksByMessagesByDefaultWithTheConfiguredLimit() {
        TopConsumers top = stub.getTopConsumers(GetTopConsumersRequest.getDefaultInstance());
        assertThat(top.getTopList()).extracting(Consumer::getAddress).containsExactly("127.0.0.2", "127.0.0.3");
        assertThat(top.getTotalMessages()).isEqualTo(60);
        assertThat(top.getTrackedClients()).isEqualTo(3);
        assertThat(top.getMaxTrackedClients()).isEqualTo(50);
        assertThat(top.getCycleSeconds()).isEqualTo(86_400);
        // the stats carry the same table with the configured N
        assertThat(stub.getStats(GetStatsRequest.getDefaultInstance()).getAnalytics().getConsumption()).isEqualTo(top);
    }

    @Test
    void ranksByBytesWithALimit() {
        TopConsumers top = stub.getTopConsumers(GetTopConsumersRequest.newBuilder().setLimit(3).setOrderBy("bytes").build());
        assertThat(top.getTopList()).extracting(Consumer::getAddress)
                .containsExactly("127.0.0.1", "127.0.0.3", "127.0.0.2");
        assertThat(top.getTop(0).getBytes()).isEqualTo(100_000);
        assertThat(top.getTop(0).getMaxOvercountBytes()).isZero();
        assertThat(stub.getTopConsumers(GetTopConsumersRequest.newBuilder().setLimit(1).build()).getTopCount()).isEqualTo(1);
    }

    @Test
    void aBadOrderIsInvalidArgumentSayingWhatIsAccepted() {
        assertThatThrownBy(() -> stub.getTopConsumers(GetTopConsumersRequest.newBuilder().setOrderBy("latency").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription())
                            .isEqualTo("order_by must be \"messages\" or \"bytes\", got \"latency\"");
                });
    }
}
