package io.fooproxy.frontend.telemetry;

import static java.util.Objects.requireNonNull;
import static java.util.concurrent.TimeUnit.NANOSECONDS;

import io.fooproxy.frontend.analytics.AnalyticsClock;
import io.fooproxy.frontend.analytics.AnalyticsRecorder;
import io.fooproxy.frontend.analytics.InFlightGauge;
import io.fooproxy.frontend.analytics.PendingAnalytics;
import io.fooproxy.frontend.config.AnalyticsSettings;
import io.fooproxy.frontend.telemetry.TelemetryAggregator.Drain;
import io.fooproxy.proto.telemetry.v1.BatchAck;
import io.fooproxy.proto.telemetry.v1.FrontendState;
import io.fooproxy.proto.telemetry.v1.TelemetryBatch;
import io.fooproxy.proto.telemetry.v1.TelemetryServiceGrpc;
import io.grpc.Channel;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships what the {@link TelemetryAggregator} counted to the backend over one long-lived
 * {@code Publish} stream, exactly once as far as the backend is concerned: batches carry
 * (frontend_id, incarnation, sequence); every unacknowledged batch is kept and resent, unchanged
 * and in order, on the next stream; the backend de-duplicates.
 *
 * <p>Everything runs on the one thread of the executor it is given: the flush tick, the gRPC
 * callbacks (re-posted there), reconnects. So the state below needs no locks, and the relay
 * never waits for anything here — it only writes to the aggregator. In the frontend that thread
 * is the backend channel's own event loop ({@link BackendLink}), so a batch and its ack never
 * cross threads.
 *
 * <p>Memory is bounded for an outage of any length: at most {@code maxInFlightBatches} batches
 * are sent and unacknowledged (they are never altered: the backend may already have applied
 * them), one more at {@link #close}; whatever cannot be sent yet stays in a pending aggregate
 * whose buckets older than {@code bucketRetention} are merged into totals-only counters. The
 * 1 ms buckets held in all (pending plus unacknowledged) never exceed {@code maxBufferedBuckets}:
 * the pending aggregate gets what the unacknowledged batches leave of it. A batch is only
 * handed to gRPC while the stream {@code isReady()}, so gRPC buffers at most one batch beyond
 * its flow-control window.
 */
public final class TelemetryPublisher implements AutoCloseable {

    /** The bound {@link #close()} uses. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(TelemetryPublisher.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(1);
    /**
     * Hard cap on pending 100 ms latency slices whatever the clock does: the 10 s window is 100
     * of them, plus the merged old one.
     */
    static final int MAX_PENDING_SLICES = 128;

    private final TelemetrySettings settings;
    private final TelemetryAggregator aggregator;
    private final AnalyticsRecorder analytics;
    private final Channel channel;
    private final TelemetryServiceGrpc.TelemetryServiceStub stub;
    private final Clock clock;
    private final long incarnation;
    private final long startedUnixMillis;
    private final ScheduledExecutorService executor;
    /** Set by {@link #start}, cancelled by {@link #close}, which may run on another thread. */
    private volatile ScheduledFuture<?> tickTask;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CompletableFuture<Boolean> closeOutcome = new CompletableFuture<>();

    // ------------------------------------------------ publisher thread only
    private final PendingAggregate pending = new PendingAggregate();
    private final PendingAnalytics pendingAnalytics;
    private final ArrayDeque<InFlight> unacked = new ArrayDeque<>();
    private long unackedBuckets;
    /**
     * Where the data now pending may begin: the watermark before the drain that made the
     * pending aggregate non-empty (every message in it is stamped at or after it); -1 while
     * nothing is pending.
     */
    private long pendingSinceMillis = -1;
    private long nextSequence = 1;
    private long ackedThrough;
    private long watermark;
    private long activeConnections;
    /** Active connections as reported in the last batch cut; -1 before the first. */
    private long reportedActive = -1;
    private long lastCutNanos;
    private ClientCallStreamObserver<TelemetryBatch> call;
    private long streamGeneration;
    /** Highest sequence sent on the current stream (or acknowledged before it began). */
    private long sentThroughOnStream;
    /** Last time the oldest outstanding batch went out or an ack arrived. */
    private long progressNanos;
    private ScheduledFuture<?> reconnectTask;
    private int failedAttempts;
    private boolean stopped;
    private BackendConnectionState connectionState = BackendConnectionState.DISCONNECTED;
    private long batchesSent;
    private long batchesAcked;
    private long batchesResent;
    private String lastError = "";
    private CompletableFuture<Boolean> ackWaiter;
    private long ackTarget;

    private volatile Snapshot snapshot;

    /**
     * @param settings frontend id, intervals and bounds
     * @param aggregator the sink the relay writes to; this publisher is its only drainer
     * @param channel to the backend (the caller owns it and shuts it down after {@link #close})
     * @param clock wall clock for timestamps, watermark and bucket ages; the aggregator's clock
     * @param executor runs all of the publisher's work; it must run its tasks one at a time, on
     *     one thread, and never be blocked for long. The caller owns it and shuts it down after
     *     {@link #close}
     */
    public TelemetryPublisher(TelemetrySettings settings, TelemetryAggregator aggregator,
            Channel channel, Clock clock, ScheduledExecutorService executor) {
        this(settings, aggregator, new AnalyticsRecorder(
                new AnalyticsSettings(false, 1, 1), AnalyticsClock.SYSTEM),
                channel, clock, executor);
    }

    /**
     * @param analytics protocol analytics; this publisher is its only drainer, and each batch
     *     carries what was drained since the previous one
     */
    public TelemetryPublisher(TelemetrySettings settings, TelemetryAggregator aggregator,
            AnalyticsRecorder analytics, Channel channel, Clock clock, ScheduledExecutorService executor) {
        this.settings = requireNonNull(settings, "settings");
        this.aggregator = requireNonNull(aggregator, "aggregator");
        this.analytics = requireNonNull(analytics, "analytics");
        this.pendingAnalytics = new PendingAnalytics(analytics.settings().maxClientsPerBatch());
        this.channel = requireNonNull(channel, "channel");
        this.clock = requireNonNull(clock, "clock");
        this.stub = TelemetryServiceGrpc.newStub(channel);
        this.incarnation = new SecureRandom().nextLong();
        this.startedUnixMillis = clock.millis();
        this.watermark = startedUnixMillis;
        // The first tick sends a batch right away, so the backend sees this frontend at once.
        this.lastCutNanos = System.nanoTime() - settings.heartbeatInterval().toNanos();
        this.executor = requireNonNull(executor, "executor");
        publishStatus();
    }

    /** Opens the stream and starts flushing every {@code flushInterval}. Idempotent. */
    public void start() {
        if (closing.get()) {
            throw new IllegalStateException("telemetry publisher is closed");
        }
        if (started.compareAndSet(false, true)) {
            tickTask = executor.scheduleWithFixedDelay(() -> runSafely(this::tick), 0,
                    settings.flushInterval().toNanos(), NANOSECONDS);
        }
    }

    /** The random number that distinguishes this process start in every batch. */
    public long incarnation() {
        return incarnation;
    }

    /** A consistent snapshot of the publisher's figures; callable from any thread. */
    public PublisherStatus status() {
        Snapshot s = snapshot;
        long age = s.oldestDataMillis < 0 ? 0 : Math.max(0, clock.millis() - s.oldestDataMillis);
        return new PublisherStatus(settings.frontendId(), s.state, s.sent, s.acked, s.resent,
                s.bufferedBuckets, settings.maxBufferedBuckets(), age, s.unackedBatches,
                s.lastSequence, s.ackedThrough, s.watermark, s.lastError);
    }

    /** {@link #close(Duration)} with {@link #DEFAULT_CLOSE_TIMEOUT}. */
    @Override
    public void close() {
        close(DEFAULT_CLOSE_TIMEOUT);
    }

    /**
     * Final flush: drains everything the aggregator holds (stop the relay first), sends it,
     * waits up to {@code timeout} for the backend to acknowledge every batch, then ends the
     * stream (half-close if all acknowledged, cancel otherwise) and stops the flush tick.
     * Returns whether everything was acknowledged. Later calls wait for and return the same
     * outcome. Shuts down neither the channel nor the executor, and must not be called on the
     * executor's thread (it waits for work queued there).
     */
    public boolean close(Duration timeout) {
        requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        if (!closing.compareAndSet(false, true)) {
            return await(closeOutcome, deadline);
        }
        CompletableFuture<Boolean> flushed = new CompletableFuture<>();
        post(() -> {
            try {
                finalFlush(flushed);
            } catch (RuntimeException e) {
                flushed.complete(false);
                throw e;
            }
        });
        boolean allAcked = await(flushed, deadline);
        CompletableFuture<Boolean> stoppedStream = new CompletableFuture<>();
        post(() -> {
            try {
                stop(allAcked);
            } finally {
                stoppedStream.complete(true);
            }
        });
        await(stoppedStream, System.nanoTime() + STOP_GRACE.toNanos());
        ScheduledFuture<?> tick = tickTask;
        if (tick != null) {
            tick.cancel(false); // a tick after stop() would do nothing, but need not run
        }
        closeOutcome.complete(allAcked);
        return allAcked;
    }

    // ------------------------------------------------ publisher thread

    private void tick() {
        if (stopped) {
            return;
        }
        absorb(aggregator.drain());
        absorbAnalytics();
        if (call != null) {
            if (connectionState == BackendConnectionState.CONNECTING && call.isReady()) {
                setConnected();
            }
            checkAckTimeout();
        }
        if (call == null && reconnectTask == null) {
            connect();
        }
        if (call != null && call.isReady()
                && unacked.size() < settings.maxInFlightBatches() && cutDue()) {
            cut();
        }
        pump();
        publishStatus();
    }

    private void finalFlush(CompletableFuture<Boolean> waiter) {
        if (stopped) {
            waiter.complete(unacked.isEmpty() && pending.isEmpty() && pendingAnalytics.isEmpty());
            return;
        }
        absorb(aggregator.drainAll());
        absorbAnalytics();
        // May exceed maxInFlightBatches by this one batch: the last data must go somewhere.
        if (!pending.isEmpty() || !pendingAnalytics.isEmpty() || activeConnections != reportedActive) {
            cut();
        }
        ackTarget = nextSequence - 1;
        ackWaiter = waiter;
        if (call == null) {
            // Shutting down: try now rather than at the end of a backoff delay.
            if (reconnectTask != null) {
                reconnectTask.cancel(false);
                reconnectTask = null;
            }
            connect();
        }
        pump();
        checkAckWaiter();
        publishStatus();
    }

    private void stop(boolean allAcked) {
        stopped = true;
        if (reconnectTask != null) {
            reconnectTask.cancel(false);
            reconnectTask = null;
        }
        ClientCallStreamObserver<TelemetryBatch> c = call;
        call = null;
        if (c != null) {
            try {
                if (allAcked) {
                    c.onCompleted();
                } else {
                    c.cancel("frontend shutting down", null);
                }
            } catch (RuntimeException e) {
                log.debug("telemetry: ending the stream failed", e);
            }
        }
        if (!allAcked) {
            log.warn("telemetry: shutting down with {} unacknowledged batch(es) and {} pending "
                    + "bucket(s); acknowledged through sequence {} of {}",
                    unacked.size(), pending.bucketCount(), ackedThrough, nextSequence - 1);
        }
        connectionState = BackendConnectionState.DISCONNECTED;
        publishStatus();
    }

    private void absorb(Drain drain) {
        boolean wasEmpty = pending.isEmpty();
        pending.add(drain);
        if (wasEmpty && !pending.isEmpty() && pendingSinceMillis < 0) {
            pendingSinceMillis = watermark;
        }
        watermark = Math.max(watermark, drain.watermarkMillis());
        activeConnections = drain.activeConnections();
        long cutoff = clock.millis() - settings.bucketRetention().toMillis();
        // Unacknowledged batches cannot shrink (the backend may have applied them already):
        // the pending buckets get what they leave of the cap.
        int room = (int) Math.max(0, settings.maxBufferedBuckets() - unackedBuckets);
        int merged = pending.compact(cutoff, room);
        if (merged > 0) {
            log.debug("telemetry: merged {} pending bucket(s) into totals-only counters", merged);
        }
    }

    /** Drains the analytics; what is older than the rate windows is merged, so memory stays bounded. */
    private void absorbAnalytics() {
        boolean wasEmpty = pending.isEmpty() && pendingAnalytics.isEmpty();
        analytics.drainInto(pendingAnalytics);
        if (wasEmpty && !pendingAnalytics.isEmpty() && pendingSinceMillis < 0) {
            pendingSinceMillis = watermark;
        }
        pendingAnalytics.compact(clock.millis() - settings.bucketRetention().toMillis(), MAX_PENDING_SLICES);
    }

    private boolean cutDue() {
        return !pending.isEmpty()
                || !pendingAnalytics.isEmpty()
                || activeConnections != reportedActive
                || System.nanoTime() - lastCutNanos >= settings.heartbeatInterval().toNanos();
    }

    private void cut() {
        long now = clock.millis();
        long oldestData = oldestDataMillis();
        TelemetryBatch.Builder b = TelemetryBatch.newBuilder()
                .setFrontendId(settings.frontendId())
                .setIncarnation(incarnation)
                .setSequence(nextSequence)
                .setWatermarkUnixMillis(watermark);
        int buckets = pending.moveTo(b);
        if (!pendingAnalytics.isEmpty()) {
            b.setAnalytics(pendingAnalytics.take());
        }
        InFlightGauge inFlight = analytics.inFlight();
        b.setState(FrontendState.newBuilder()
                .setInFlightRequests(inFlight.requests())
                .setOldestInFlightAgeMillis(inFlight.oldestAgeMillis())
                .setActiveConnections(activeConnections)
                .setBatchesSent(batchesSent)
                .setBatchesAcked(batchesAcked)
                .setBatchesResent(batchesResent)
                .setBufferedBuckets(unackedBuckets + buckets)
                .setOldestUnackedAgeMillis(oldestData < 0 ? 0 : Math.max(0, now - oldestData))
                .setStartedUnixMillis(startedUnixMillis));
        // a batch with no data (a heartbeat) is as old as its cut
        long dataSince = pendingSinceMillis < 0 ? now : pendingSinceMillis;
        pendingSinceMillis = -1;
        unacked.addLast(new InFlight(b.build(), dataSince, buckets));
        unackedBuckets += buckets;
        nextSequence++;
        reportedActive = activeConnections;
        lastCutNanos = System.nanoTime();
    }

    /** Sends, in order, every unacknowledged batch the current stream has not carried yet. */
    private void pump() {
        if (call == null) {
            return;
        }
        for (InFlight f : unacked) {
            if (f.sequence <= sentThroughOnStream) {
                continue;
            }
            if (!call.isReady()) {
                return; // onReady resumes
            }
            try {
                call.onNext(f.batch);
            } catch (RuntimeException e) {
                failStream("sending a batch failed: " + e);
                return;
            }
            if (f.sends++ == 0) {
                batchesSent++;
            } else {
                batchesResent++;
            }
            if (f == unacked.peekFirst()) {
                progressNanos = System.nanoTime();
            }
            sentThroughOnStream = f.sequence;
        }
    }

    private void connect() {
        reconnectTask = null;
        if (stopped || call != null) {
            return;
        }
        resetChannelBackoff();
        long gen = ++streamGeneration;
        sentThroughOnStream = ackedThrough;
        progressNanos = System.nanoTime();
        connectionState = BackendConnectionState.CONNECTING;
        StreamHandler handler = new StreamHandler(gen);
        try {
            stub.publish(handler);
            call = handler.requestStream;
        } catch (RuntimeException e) {
            streamLost(describe(Status.fromThrowable(e)));
        }
        publishStatus();
    }

    /**
     * A channel in TRANSIENT_FAILURE retries on its own, slower backoff (up to minutes) and
     * fails calls fast meanwhile; our reconnect policy is the one that should decide.
     */
    private void resetChannelBackoff() {
        if (channel instanceof ManagedChannel managed) {
            try {
                if (managed.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
                    managed.resetConnectBackoff();
                }
            } catch (UnsupportedOperationException e) {
                // This channel does not report its state; its own backoff applies.
            }
        }
    }

    private void onReady(long gen) {
        if (gen != streamGeneration || call == null) {
            return;
        }
        if (call.isReady() && connectionState == BackendConnectionState.CONNECTING) {
            setConnected();
        }
        pump();
        publishStatus();
    }

    private void onAck(long gen, long through) {
        // Acks are cumulative and true whichever stream carried them; never beyond what we cut.
        long capped = Math.min(through, nextSequence - 1);
        if (capped > ackedThrough) {
            ackedThrough = capped;
            while (!unacked.isEmpty() && unacked.peekFirst().sequence <= ackedThrough) {
                InFlight f = unacked.removeFirst();
                unackedBuckets -= f.buckets;
                batchesAcked++;
            }
            if (!unacked.isEmpty() && unacked.peekFirst().sends > 0) {
                progressNanos = System.nanoTime();
            }
        }
        if (gen == streamGeneration && call != null) {
            progressNanos = System.nanoTime();
            if (failedAttempts > 0) {
                log.info("telemetry: stream to the backend re-established; {} batch(es) "
                        + "unacknowledged", unacked.size());
                failedAttempts = 0;
            }
            setConnected();
        }
        checkAckWaiter();
        if (!stopped) {
            pump();
        }
        publishStatus();
    }

    private void onStreamEnd(long gen, Status status) {
        if (gen != streamGeneration || call == null) {
            return; // an old stream, or one we ended ourselves
        }
        call = null;
        streamLost(status == null ? "stream completed by the backend" : describe(status));
        publishStatus();
    }

    private void checkAckTimeout() {
        InFlight oldest = unacked.peekFirst();
        if (oldest != null && oldest.sequence <= sentThroughOnStream
                && System.nanoTime() - progressNanos > settings.ackTimeout().toNanos()) {
            failStream("no acknowledgement within " + settings.ackTimeout());
        }
    }

    private void failStream(String reason) {
        ClientCallStreamObserver<TelemetryBatch> c = call;
        call = null;
        if (c != null) {
            try {
                c.cancel(reason, null);
            } catch (RuntimeException e) {
                log.debug("telemetry: cancelling the stream failed", e);
            }
        }
        streamLost(reason);
    }

    private void streamLost(String reason) {
        lastError = reason;
        connectionState = BackendConnectionState.DISCONNECTED;
        if (stopped) {
            return;
        }
        failedAttempts++;
        long delay = backoffNanos(failedAttempts);
        if (failedAttempts == 1) {
            log.warn("telemetry: stream to the backend ended ({}); {} batch(es) unacknowledged; "
                    + "reconnecting", reason, unacked.size());
        } else {
            log.debug("telemetry: attempt {} failed ({}); retrying in {} ms",
                    failedAttempts, reason, delay / 1_000_000);
        }
        try {
            reconnectTask = executor.schedule(() -> runSafely(this::connect), delay, NANOSECONDS);
        } catch (RejectedExecutionException e) {
            reconnectTask = null; // shutting down
        }
    }

    private long backoffNanos(int attempt) {
        long min = settings.backoffMin().toNanos();
        long max = settings.backoffMax().toNanos();
        int shift = Math.min(attempt - 1, 40);
        long base = min > (max >> shift) ? max : Math.min(max, min << shift);
        long half = base / 2;
        // Jitter in [base/2, base] so that many frontends do not reconnect in lockstep.
        return half + ThreadLocalRandom.current().nextLong(base - half + 1);
    }

    private void setConnected() {
        if (connectionState != BackendConnectionState.CONNECTED) {
            log.debug("telemetry: stream to the backend is up");
        }
        connectionState = BackendConnectionState.CONNECTED;
    }

    private void checkAckWaiter() {
        if (ackWaiter != null && ackedThrough >= ackTarget) {
            ackWaiter.complete(true);
        }
    }

    /**
     * Since when the oldest data not yet acknowledged may stem: the oldest unacknowledged
     * batch's, or else the pending data's; -1 when there is none.
     */
    private long oldestDataMillis() {
        InFlight oldest = unacked.peekFirst();
        return oldest != null ? oldest.dataSinceMillis : pendingSinceMillis;
    }

    private void publishStatus() {
        snapshot = new Snapshot(connectionState, batchesSent, batchesAcked, batchesResent,
                unackedBuckets + pending.bucketCount(), oldestDataMillis(),
                unacked.size(), nextSequence - 1, ackedThrough, watermark, lastError);
    }

    // ------------------------------------------------ plumbing

    private void post(Runnable task) {
        try {
            executor.execute(() -> runSafely(task));
        } catch (RejectedExecutionException e) {
            // Closed: late gRPC callbacks have nothing left to update.
        }
    }

    private static void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again: keep the publisher alive.
            log.error("telemetry publisher task failed", e);
        }
    }

    private static boolean await(CompletableFuture<Boolean> future, long deadlineNanos) {
        try {
            return future.get(Math.max(0, deadlineNanos - System.nanoTime()), NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String describe(Status status) {
        StringBuilder sb = new StringBuilder(status.getCode().name());
        if (status.getDescription() != null) {
            sb.append(": ").append(status.getDescription());
        }
        if (status.getCause() != null && status.getCause().getMessage() != null) {
            sb.append(" (").append(status.getCause().getMessage()).append(')');
        }
        return sb.toString();
    }

    /** Receives one stream's acks and end; re-posts everything to the publisher thread. */
    private final class StreamHandler implements ClientResponseObserver<TelemetryBatch, BatchAck> {
        private final long gen;
        private ClientCallStreamObserver<TelemetryBatch> requestStream;

        StreamHandler(long gen) {
            this.gen = gen;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<TelemetryBatch> stream) {
            // Called synchronously inside stub.publish(), on the publisher thread.
            this.requestStream = stream;
            stream.setOnReadyHandler(() -> post(() -> onReady(gen)));
        }

        @Override
        public void onNext(BatchAck ack) {
            long through = ack.getAckedThroughSequence();
            post(() -> onAck(gen, through));
        }

        @Override
        public void onError(Throwable t) {
            Status status = Status.fromThrowable(t);
            post(() -> onStreamEnd(gen, status));
        }

        @Override
        public void onCompleted() {
            post(() -> onStreamEnd(gen, null));
        }
    }

    /** A batch cut and not yet acknowledged; never changed once cut. */
    private static final class InFlight {
        final TelemetryBatch batch;
        final long sequence;
        /** The earliest instant its data may stem from (its cut, for a batch without data). */
        final long dataSinceMillis;
        final int buckets;
        int sends;

        InFlight(TelemetryBatch batch, long dataSinceMillis, int buckets) {
            this.batch = batch;
            this.sequence = batch.getSequence();
            this.dataSinceMillis = dataSinceMillis;
            this.buckets = buckets;
        }
    }

    private record Snapshot(BackendConnectionState state, long sent, long acked, long resent,
            long bufferedBuckets, long oldestDataMillis, int unackedBatches, long lastSequence,
            long ackedThrough, long watermark, String lastError) {}
}
