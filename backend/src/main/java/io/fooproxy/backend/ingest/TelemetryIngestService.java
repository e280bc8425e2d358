package io.fooproxy.backend.ingest;

import static java.util.Objects.requireNonNull;

import io.fooproxy.backend.analytics.HistogramDecoder;
import io.fooproxy.backend.health.HealthComponent;
import io.fooproxy.backend.recovery.RecoveryManager;
import io.fooproxy.backend.stats.ApplyOutcome;
import io.fooproxy.backend.stats.StatsAggregator;
import io.fooproxy.proto.telemetry.v1.BatchAck;
import io.fooproxy.proto.telemetry.v1.TelemetryBatch;
import io.fooproxy.proto.telemetry.v1.TelemetryServiceGrpc;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend end of the telemetry link (foo.telemetry.v1.TelemetryService/Publish).
 *
 * <p>Each batch is validated, then applied exactly once by the {@link StatsAggregator} (which
 * de-duplicates by frontend_id, incarnation and sequence under the same lock that recovery
 * snapshots use), then acknowledged once it is durable: the stream asks {@link
 * RecoveryManager#durable()} and, when that completes, sends {@code BatchAck} for every batch
 * handled before the ask. Acks are cumulative, so while one durability wait is outstanding newer
 * batches simply wait for the next one: at most one wait per stream, and at most one ack value
 * held back if the client is slow to read (see {@link PublishStream}).
 *
 * <p>{@link #shutdown} ends every stream cleanly before the backend stops: no new batch is
 * applied, everything already applied is acknowledged once durable, then the stream fails with
 * UNAVAILABLE so that its frontend resends the rest to the next backend incarnation. Without
 * it the server could only wait out its grace period and cancel the streams.
 *
 * <p>Bad input fails only its own stream: empty frontend_id or sequence 0 (and the other checks
 * in {@link BatchValidator}) with INVALID_ARGUMENT; a new frontend_id beyond {@link
 * StatsAggregator#MAX_FRONTENDS} with RESOURCE_EXHAUSTED.
 */
public final class TelemetryIngestService extends TelemetryServiceGrpc.TelemetryServiceImplBase {

    private static final Logger log = LoggerFactory.getLogger(TelemetryIngestService.class);

    private final StatsAggregator aggregator;
    private final RecoveryManager recovery;
    private final HealthComponent frontendsHealth;
    private final Object lifecycle = new Object();
    private final Set<PublishStream> open = ConcurrentHashMap.newKeySet();
    /** Written under lifecycle; read without it by every batch, which it stops from applying. */
    private volatile boolean shuttingDown;

    public TelemetryIngestService(StatsAggregator aggregator, RecoveryManager recovery) {
        this.aggregator = requireNonNull(aggregator, "aggregator");
        this.recovery = requireNonNull(recovery, "recovery");
        this.frontendsHealth = new FrontendsHealth(aggregator);
    }

    @Override
    public StreamObserver<TelemetryBatch> publish(StreamObserver<BatchAck> responseObserver) {
        ServerCallStreamObserver<BatchAck> out =
                (ServerCallStreamObserver<BatchAck>) responseObserver;
        PublishStream stream = new PublishStream(out);
        // both must be set before this method returns
        out.setOnReadyHandler(stream::onReady);
        out.setOnCancelHandler(stream::onCancel);
        boolean refuse;
        synchronized (lifecycle) {
            refuse = shuttingDown;
            if (!refuse) {
                open.add(stream);
            }
        }
        if (refuse) {
            stream.refuse();
        }
        return stream;
    }

    /**
     * Ends every Publish stream for shutdown (call while the recovery writer still runs): new
     * streams are refused and new batches ignored (their frontends resend them to the next
     * incarnation), everything applied is acknowledged once durable, then each stream fails with
     * UNAVAILABLE. Waits up to {@code timeout}; returns whether every stream ended. Idempotent.
     */
    public boolean shutdown(Duration timeout) {
        requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        List<PublishStream> streams;
        synchronized (lifecycle) {
            shuttingDown = true;
            streams = new ArrayList<>(open);
        }
        for (PublishStream s : streams) {
            s.drain();
        }
        boolean allEnded = true;
        for (PublishStream s : streams) {
            try {
                s.ended.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                allEnded = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        if (!streams.isEmpty()) {
            log.info("telemetry: {} of {} stream(s) ended after their last acknowledgement",
                    streams.stream().filter(s -> s.ended.isDone()).count(), streams.size());
        }
        return allEnded;
    }

    /** "frontends": not critical, serving while at least one frontend is connected. */
    public HealthComponent frontendsHealthComponent() {
        return frontendsHealth;
    }

    /**
     * One Publish stream. Inbound callbacks come one at a time from gRPC; durability
     * completions come from the recovery writer; onReady and onCancel from gRPC. Everything that
     * touches the response observer or the ack bookkeeping holds this object's monitor, so acks
     * go out in order and never concurrently.
     */
    private final class PublishStream implements StreamObserver<TelemetryBatch> {
        private final ServerCallStreamObserver<BatchAck> out;
        /**
         * Used by onNext only, which gRPC calls one at a time; never closed, so that a late
         * batch cannot meet an ended inflater (the cleaner frees it with the stream).
         */
        private final HistogramDecoder histograms = new HistogramDecoder();
        /** Completes when this stream is closed, however. */
        final CompletableFuture<Void> ended = new CompletableFuture<>();

        // guarded by this
        private String frontendId;
        private long incarnation;
        private boolean registered;
        /** Highest sequence applied or recognised as duplicate on this stream. */
        private long handledThrough;
        /** Highest sequence known durable. */
        private long durableThrough;
        /** Highest sequence acknowledged to the client. */
        private long ackedThrough;
        private boolean awaitingDurable;
        private boolean inboundDone;
        private boolean closed;
        /** A batch is being applied outside the monitor. */
        private boolean applying;
        /** Shutting down: apply nothing more, end once everything applied is acknowledged. */
        private boolean draining;

        PublishStream(ServerCallStreamObserver<BatchAck> out) {
            this.out = out;
        }

        @Override
        public void onNext(TelemetryBatch batch) {
            synchronized (this) {
                if (closed || draining || shuttingDown) {
                    return; // not applied, never acknowledged: the frontend resends it
                }
                String problem = BatchValidator.problem(batch, frontendId, incarnation);
                if (problem != null) {
                    log.warn("telemetry: refusing a stream{}: {}",
                            frontendId == null ? "" : " of frontend " + frontendId, problem);
                    fail(Status.INVALID_ARGUMENT.withDescription(problem));
                    return;
                }
                applying = true;
            }
            ApplyOutcome outcome;
            try {
                outcome = aggregator.apply(batch, histograms);
            } catch (RuntimeException e) {
                log.error("telemetry: cannot apply a batch of frontend {}", batch.getFrontendId(), e);
                synchronized (this) {
                    applying = false;
                    fail(Status.INTERNAL.withDescription("cannot apply the batch"));
                }
                return;
            }
            synchronized (this) {
                applying = false;
                if (outcome == ApplyOutcome.REJECTED_TOO_MANY_FRONTENDS) {
                    log.warn("telemetry: refusing frontend {}: already {} frontends known",
                            batch.getFrontendId(), StatsAggregator.MAX_FRONTENDS);
                    fail(Status.RESOURCE_EXHAUSTED.withDescription("the backend already knows "
                            + StatsAggregator.MAX_FRONTENDS + " frontends"));
                    return;
                }
                if (frontendId == null) {
                    frontendId = batch.getFrontendId();
                    incarnation = batch.getIncarnation();
                }
                if (!registered && !closed) {
                    registered = aggregator.streamOpened(frontendId);
                    log.info("telemetry: frontend {} connected (incarnation {})", frontendId,
                            Long.toHexString(incarnation));
                }
                if (closed) {
                    return; // cancelled meanwhile: the batch counts, the frontend resends it
                }
                handledThrough = Math.max(handledThrough, batch.getSequence());
                awaitDurable();
                endIfDrained();
            }
        }

        @Override
        public void onError(Throwable t) {
            synchronized (this) {
                inboundDone = true;
                markClosed();
                unregister("stream failed: " + Status.fromThrowable(t));
            }
        }

        @Override
        public void onCompleted() {
            synchronized (this) {
                inboundDone = true;
                // half-closed: no more watermarks from it, so it no longer holds the windows
                unregister("stream completed");
                completeIfDone();
            }
        }

        synchronized void onReady() {
            sendAck();
            completeIfDone();
            endIfDrained();
        }

        synchronized void onCancel() {
            markClosed();
            unregister("stream cancelled");
        }

        /** A stream that arrived while shutting down: ended before it is used. */
        synchronized void refuse() {
            draining = true;
            fail(Status.UNAVAILABLE.withDescription("the backend is shutting down"));
        }

        synchronized void drain() {
            draining = true;
            endIfDrained();
        }

        /**
         * While draining: once nothing is being applied and everything applied is acknowledged,
         * fail the stream so that the frontend reconnects (to the next incarnation) and resends
         * whatever this one did not apply.
         */
        private void endIfDrained() {
            if (!draining || closed || applying || awaitingDurable
                    || ackedThrough < handledThrough) {
                return; // the durability wait, or onReady, brings us back
            }
            fail(Status.UNAVAILABLE.withDescription("the backend is shutting down; "
                    + "everything applied is acknowledged, resend the rest"));
        }

        /** Asks for durability of everything handled so far, unless a wait is outstanding. */
        private void awaitDurable() {
            if (awaitingDurable || closed || handledThrough <= durableThrough) {
                return;
            }
            awaitingDurable = true;
            long target = handledThrough;
            // may complete right here (already durable): the monitor is re-entrant
            recovery.durable().whenComplete((ignored, error) -> onDurable(target, error));
        }

        private synchronized void onDurable(long target, Throwable error) {
            awaitingDurable = false;
            if (error != null) {
                log.warn("telemetry: cannot make batches of frontend {} durable: {}", frontendId,
                        error.toString());
                fail(Status.UNAVAILABLE.withDescription("the backend could not persist the "
                        + "batches; resend them"));
                return;
            }
            durableThrough = Math.max(durableThrough, target);
            sendAck();
            awaitDurable();
            completeIfDone();
            endIfDrained();
        }

        private void sendAck() {
            if (closed || durableThrough <= ackedThrough || !out.isReady()) {
                return; // not ready: onReady sends the latest value later
            }
            ackedThrough = durableThrough;
            try {
                out.onNext(BatchAck.newBuilder().setAckedThroughSequence(ackedThrough).build());
            } catch (RuntimeException e) {
                markClosed(); // the call went away under us
                unregister("cannot send an ack: " + e);
            }
        }

        /** After the client half-closed: finish once everything handled is acknowledged. */
        private void completeIfDone() {
            if (closed || !inboundDone || awaitingDurable || ackedThrough < handledThrough) {
                return;
            }
            markClosed();
            try {
                out.onCompleted();
            } catch (RuntimeException e) {
                log.debug("telemetry: completing a stream failed", e);
            }
        }

        private void fail(Status status) {
            if (closed) {
                return;
            }
            markClosed();
            try {
                out.onError(status.asRuntimeException());
            } catch (RuntimeException e) {
                log.debug("telemetry: failing a stream failed", e);
            }
            unregister(status.getCode() + ": " + status.getDescription());
        }

        private void markClosed() {
            closed = true;
            open.remove(this);
            ended.complete(null);
        }

        private void unregister(String why) {
            if (registered) {
                registered = false;
                aggregator.streamClosed(frontendId);
                log.info("telemetry: frontend {} disconnected ({})", frontendId, why);
            }
        }
    }

    private static final class FrontendsHealth implements HealthComponent {
        private final StatsAggregator aggregator;

        FrontendsHealth(StatsAggregator aggregator) {
            this.aggregator = aggregator;
        }

        @Override
        public String name() {
            return "frontends";
        }

        @Override
        public boolean critical() {
            return false;
        }

        @Override
        public ComponentStatus status() {
            int connected = aggregator.connectedFrontendCount();
            int known = aggregator.knownFrontendCount();
            if (connected == 0) {
                return new ComponentStatus(false,
                        "no frontend connected (" + known + " known)");
            }
            return new ComponentStatus(true, connected + " of " + known + " known frontend"
                    + (known == 1 ? "" : "s") + " connected");
        }
    }
}
