package io.fooproxy.cli;

import io.fooproxy.proto.stats.v1.FrontendStats;
import io.fooproxy.proto.stats.v1.GetStatsRequest;
import io.fooproxy.proto.stats.v1.Stats;
import io.fooproxy.proto.stats.v1.StatsServiceGrpc;
import io.fooproxy.proto.stats.v1.WatchStatsRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process stand-in for the backend: a tiny StatsService that serves a fixed sequence of
 * figures (WatchStats sends them all, then waits for the client to cancel) and a
 * HealthStatusManager. Records the addresses the CLI asked for.
 */
final class TestBackend implements AutoCloseable {
    final HealthStatusManager health = new HealthStatusManager();
    final List<BackendAddress> opened = new CopyOnWriteArrayList<>();
    final List<WatchStatsRequest> watchRequests = new CopyOnWriteArrayList<>();
    final AtomicInteger cancelledWatches = new AtomicInteger();
    private final List<Stats> figures;
    private final boolean endWatchAfterFigures;
    private final String name = InProcessServerBuilder.generateName();
    private final Server server;
    private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();

    TestBackend(List<Stats> figures, boolean endWatchAfterFigures) throws IOException {
        this.figures = List.copyOf(figures);
        this.endWatchAfterFigures = endWatchAfterFigures;
        this.server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(new FixedStats())
                .addService(health.getHealthService())
                .build().start();
    }

    static Stats stats(long req, long ack, long nak, long timestampMillis) {
        return Stats.newBuilder()
                .setMsgTotal(req + ack + nak).setMsgReq(req).setMsgAck(ack).setMsgNak(nak)
                .setRequestRate1S(12.5).setRequestRate10S(9.25).setResponseRate1S(11).setResponseRate10S(8.5)
                .setTimestampUnixMillis(timestampMillis).setSource("backend")
                .addFrontends(FrontendStats.newBuilder().setFrontendId("fe-1").setConnected(true).setMsgReq(req))
                .build();
    }

    ChannelFactory channels() {
        return address -> {
            opened.add(address);
            ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
            channels.add(channel);
            return channel;
        };
    }

    @Override
    public void close() {
        try {
            for (ManagedChannel c : channels) {
                c.shutdownNow();
                c.awaitTermination(5, TimeUnit.SECONDS);
            }
            server.shutdownNow();
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class FixedStats extends StatsServiceGrpc.StatsServiceImplBase {
        @Override
        public void getStats(GetStatsRequest request, StreamObserver<Stats> responseObserver) {
            responseObserver.onNext(figures.isEmpty() ? Stats.getDefaultInstance() : figures.get(0));
            responseObserver.onCompleted();
        }

        @Override
        public void watchStats(WatchStatsRequest request, StreamObserver<Stats> responseObserver) {
            watchRequests.add(request);
            ServerCallStreamObserver<Stats> call = (ServerCallStreamObserver<Stats>) responseObserver;
            call.setOnCancelHandler(cancelledWatches::incrementAndGet);
            for (Stats s : figures) {
                call.onNext(s);
            }
            if (endWatchAfterFigures) {
                call.onCompleted();
            }
        }
    }
}
