package io.fooproxy.backend.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fooproxy.backend.TestStatsView;
import io.fooproxy.proto.stats.v1.GetStatsRequest;
import io.fooproxy.proto.stats.v1.Stats;
import io.fooproxy.proto.stats.v1.StatsServiceGrpc;
import io.fooproxy.proto.stats.v1.WatchStatsRequest;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StatsServiceImplTest {
    @RegisterExtension
    final GrpcCleanup grpc = new GrpcCleanup();

    private final TestStatsView view = TestStatsView.sample();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private StatsServiceImpl service;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        service = new StatsServiceImpl(view, TestStatsView.NO_CONSUMPTION, scheduler);
        grpc.register(InProcessServerBuilder.forName(name).directExecutor().addService(service).build().start());
        channel = grpc.register(InProcessChannelBuilder.forName(name).directExecutor().build());
    }

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    @Test
    void getStatsReturnsTheSnapshot() {
        Stats stats = StatsServiceGrpc.newBlockingStub(channel).getStats(GetStatsRequest.getDefaultInstance());
        assertThat(stats).isEqualTo(TestStatsView.sampleStats());
    }

    @Test
    void getStatsFailureIsInternalWithoutDetails() throws Exception {
        String name = InProcessServerBuilder.generateName();
        grpc.register(InProcessServerBuilder.forName(name).directExecutor()
                .addService(new StatsServiceImpl(() -> {
                    throw new IllegalStateException("secret");
                }, TestStatsView.NO_CONSUMPTION, scheduler)).build().start());
        ManagedChannel failing = grpc.register(InProcessChannelBuilder.forName(name).directExecutor().build());
        assertThatThrownBy(() -> StatsServiceGrpc.newBlockingStub(failing).getStats(GetStatsRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
                    assertThat(e.getStatus().getDescription()).isEqualTo("statistics unavailable");
                });
    }

    @Test
    void watchSendsOneAtOnceThenEveryIntervalUntilCancelled() {
        List<Stats> received = new CopyOnWriteArrayList<>();
        Context.CancellableContext context = Context.current().withCancellation();
        context.run(() -> StatsServiceGrpc.newStub(channel).watchStats(
                WatchStatsRequest.newBuilder().setIntervalMillis(100).build(), collect(received, new AtomicReference<>())));

        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() >= 2);
        assertThat(received.get(0)).isEqualTo(TestStatsView.sampleStats());
        assertThat(service.activeWatches()).isEqualTo(1);

        context.cancel(null);
        await().atMost(Duration.ofSeconds(5)).until(() -> service.activeWatches() == 0);
        int snapshotsAfterCancel = view.snapshots();
        // the ticking stopped: a few more intervals go by without a snapshot being taken
        await().pollDelay(Duration.ofMillis(350)).atMost(Duration.ofSeconds(2))
                .until(() -> view.snapshots() == snapshotsAfterCancel);
    }

    @Test
    void watchFollowsChangingFigures() {
        Context.CancellableContext context = Context.current().withCancellation();
        try {
            Iterator<Stats> stream = context.call(() -> StatsServiceGrpc.newBlockingStub(channel)
                    .watchStats(WatchStatsRequest.newBuilder().setIntervalMillis(100).build()));
            assertThat(stream.next().getMsgReq()).isEqualTo(30);
            view.set(Stats.newBuilder().setMsgReq(31).build());
            boolean seen = false;
            for (int i = 0; i < 50 && !seen; i++) { // 50 intervals of 100 ms at most
                seen = stream.next().getMsgReq() == 31;
            }
            assertThat(seen).isTrue();
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            context.cancel(null);
        }
    }

    @Test
    void completeAllEndsTheStreams() {
        List<Stats> received = new CopyOnWriteArrayList<>();
        AtomicReference<Object> end = new AtomicReference<>();
        StatsServiceGrpc.newStub(channel).watchStats(WatchStatsRequest.newBuilder().setIntervalMillis(60_000).build(),
                collect(received, end));
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);

        service.completeAll();

        await().atMost(Duration.ofSeconds(5)).until(() -> "completed".equals(end.get()));
        assertThat(service.activeWatches()).isZero();

        Iterator<Stats> refused = StatsServiceGrpc.newBlockingStub(channel).watchStats(WatchStatsRequest.getDefaultInstance());
        assertThatThrownBy(refused::hasNext).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }

    @Test
    void intervalDefaultsAndClamps() {
        assertThat(StatsServiceImpl.intervalMillis(0)).isEqualTo(1000);
        assertThat(StatsServiceImpl.intervalMillis(1)).isEqualTo(100);
        assertThat(StatsServiceImpl.intervalMillis(250)).isEqualTo(250);
        assertThat(StatsServiceImpl.intervalMillis(600_000)).isEqualTo(60_000);
        assertThat(StatsServiceImpl.intervalMillis(-1)).isEqualTo(60_000); // uint32 max
    }

    @Test
    void watchOnAStoppedSchedulerIsUnavailable() throws Exception {
        ScheduledExecutorService stopped = Executors.newSingleThreadScheduledExecutor();
        stopped.shutdown();
        assertThat(stopped.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        String name = InProcessServerBuilder.generateName();
        grpc.register(InProcessServerBuilder.forName(name).directExecutor()
                .addService(new StatsServiceImpl(view, TestStatsView.NO_CONSUMPTION, stopped)).build().start());
        ManagedChannel ch = grpc.register(InProcessChannelBuilder.forName(name).directExecutor().build());
        Iterator<Stats> stream = StatsServiceGrpc.newBlockingStub(ch).watchStats(WatchStatsRequest.getDefaultInstance());
        assertThatThrownBy(stream::hasNext).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }

    private static StreamObserver<Stats> collect(List<Stats> received, AtomicReference<Object> end) {
        return new StreamObserver<>() {
            @Override
            public void onNext(Stats value) {
                received.add(value);
            }

            @Override
            public void onError(Throwable t) {
                end.set(t);
            }

            @Override
            public void onCompleted() {
                end.set("completed");
            }
        };
    }
}
