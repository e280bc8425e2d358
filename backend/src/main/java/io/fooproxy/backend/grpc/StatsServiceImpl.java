package io.fooproxy.backend.grpc;

import static java.util.Objects.requireNonNull;

import io.fooproxy.backend.analytics.ConsumerOrder;
import io.fooproxy.backend.analytics.ConsumptionView;
import io.fooproxy.backend.stats.StatsView;
import io.fooproxy.proto.stats.v1.GetStatsRequest;
import io.fooproxy.proto.stats.v1.GetTopConsumersRequest;
import io.fooproxy.proto.stats.v1.Stats;
import io.fooproxy.proto.stats.v1.StatsServiceGrpc;
import io.fooproxy.proto.stats.v1.TopConsumers;
import io.fooproxy.proto.stats.v1.WatchStatsRequest;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code foo.stats.v1.StatsService}: the current figures, once or as a stream. A watch ticks on
 * a shared scheduler; a tick that finds the client not ready is remembered and sent when it
 * becomes ready, so a slow client costs one pending flag, never a queue.
 */
public final class StatsServiceImpl extends StatsServiceGrpc.StatsServiceImplBase {
    private static final Logger log = LoggerFactory.getLogger(StatsServiceImpl.class);

    static final long DEFAULT_INTERVAL_MILLIS = 1000;
    static final long MIN_INTERVAL_MILLIS = 100;
    static final long MAX_INTERVAL_MILLIS = 60_000;

    private final StatsView stats;
    private final ConsumptionView consumption;
    private final ScheduledExecutorService scheduler;
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    public StatsServiceImpl(StatsView stats, ConsumptionView consumption, ScheduledExecutorService scheduler) {
        this.stats = requireNonNull(stats, "stats");
        this.consumption = requireNonNull(consumption, "consumption");
        this.scheduler = requireNonNull(scheduler, "scheduler");
    }

    @Override
    public void getStats(GetStatsRequest request, StreamObserver<Stats> responseObserver) {
        Stats snapshot;
        try {
            snapshot = stats.snapshot();
        } catch (RuntimeException e) {
            log.warn("GetStats: snapshot failed", e);
            responseObserver.onError(Status.INTERNAL.withDescription("statistics unavailable").asRuntimeException());
            return;
        }
        responseObserver.onNext(snapshot);
        responseObserver.onCompleted();
    }

    /** The consumption cycle's top clients; a bad order_by is INVALID_ARGUMENT saying what is accepted. */
    @Override
    public void getTopConsumers(GetTopConsumersRequest request, StreamObserver<TopConsumers> responseObserver) {
        ConsumerOrder order;
        try {
            order = ConsumerOrder.parse(request.getOrderBy());
        } catch (IllegalArgumentException e) {
            responseObserver.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        // uint32: a "negative" int is a huge limit, which the table's size caps anyway
        int limit = request.getLimit() < 0 ? Integer.MAX_VALUE : request.getLimit();
        TopConsumers top;
        try {
            top = consumption.topConsumers(limit, order);
        } catch (RuntimeException e) {
            log.warn("GetTopConsumers failed", e);
            responseObserver.onError(Status.INTERNAL.withDescription("consumption unavailable").asRuntimeException());
            return;
        }
        responseObserver.onNext(top);
        responseObserver.onCompleted();
    }

    @Override
    public void watchStats(WatchStatsRequest request, StreamObserver<Stats> responseObserver) {
        ServerCallStreamObserver<Stats> call = (ServerCallStreamObserver<Stats>) responseObserver;
        if (closing) {
            call.onError(Status.UNAVAILABLE.withDescription("shutting down").asRuntimeException());
            return;
        }
        Watch watch = new Watch(call);
        // both handlers must be set before this method returns
        call.setOnCancelHandler(watch::stop);
        call.setOnReadyHandler(watch::onReady);
        watches.add(watch);
        if (closing) { // completeAll ran meanwhile and may have missed this one
            watch.complete();
            return;
        }
        try {
            watch.start(intervalMillis(request.getIntervalMillis()));
        } catch (RejectedExecutionException e) {
            watches.remove(watch);
            call.onError(Status.UNAVAILABLE.withDescription("shutting down").asRuntimeException());
        }
    }

    /**
     * Ends every open watch stream normally and refuses new ones (UNAVAILABLE); called when the
     * backend shuts down, so that watches do not hold the gRPC server's termination up.
     */
    public void completeAll() {
        closing = true;
        for (Watch watch : watches) {
            watch.complete();
        }
    }

    /** The number of open watch streams (for tests and status). */
    public int activeWatches() {
        return watches.size();
    }

    /** 0 means the default; anything else is clamped to [100 ms, 60 s]. */
    static long intervalMillis(int requested) {
        long millis = Integer.toUnsignedLong(requested);
        if (millis == 0) {
            return DEFAULT_INTERVAL_MILLIS;
        }
        return Math.max(MIN_INTERVAL_MILLIS, Math.min(MAX_INTERVAL_MILLIS, millis));
    }

    private final class Watch {
        private final ServerCallStreamObserver<Stats> call;
        private ScheduledFuture<?> task; // guarded by this
        private boolean pending; // guarded by this
        private boolean done; // guarded by this

        Watch(ServerCallStreamObserver<Stats> call) {
            this.call = call;
        }

        synchronized void start(long intervalMillis) {
            if (!done) {
                task = scheduler.scheduleAtFixedRate(this::tick, 0, intervalMillis, TimeUnit.MILLISECONDS);
            }
        }

        private synchronized void tick() {
            if (done) {
                return;
            }
            if (call.isCancelled()) {
                finish();
                return;
            }
            if (call.isReady()) {
                send();
            } else {
                pending = true;
            }
        }

        synchronized void onReady() {
            if (!done && pending && call.isReady()) {
                send();
            }
        }

        private void send() {
            pending = false;
            try {
                call.onNext(stats.snapshot());
            } catch (RuntimeException e) {
                log.warn("WatchStats: sending a snapshot failed", e);
                finish();
                try {
                    call.onError(Status.INTERNAL.withDescription("statistics unavailable").asRuntimeException());
                } catch (RuntimeException ignored) {
                    // the call is already closed
                }
            }
        }

        synchronized void complete() {
            if (done) {
                return;
            }
            finish();
            try {
                call.onCompleted();
            } catch (RuntimeException ignored) {
                // cancelled meanwhile; nothing left to end
            }
        }

        /** The client cancelled (or the call ended): stop ticking. */
        synchronized void stop() {
            finish();
        }

        private void finish() {
            done = true;
            if (task != null) {
                task.cancel(false);
            }
            watches.remove(this);
        }
    }
}
