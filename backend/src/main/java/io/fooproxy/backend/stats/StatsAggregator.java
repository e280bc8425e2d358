package io.fooproxy.backend.stats;

import static java.util.Objects.requireNonNull;

import io.fooproxy.backend.analytics.AnalyticsFigures;
import io.fooproxy.backend.analytics.AnalyticsSettings;
import io.fooproxy.backend.analytics.ConsumerOrder;
import io.fooproxy.backend.analytics.ConsumptionTable;
import io.fooproxy.backend.analytics.ConsumptionView;
import io.fooproxy.backend.analytics.DecodedAnalytics;
import io.fooproxy.backend.analytics.HistogramDecoder;
import io.fooproxy.proto.recovery.v1.ConsumptionRecord;
import io.fooproxy.proto.stats.v1.Analytics;
import io.fooproxy.proto.stats.v1.FrontendStats;
import io.fooproxy.proto.stats.v1.Stats;
import io.fooproxy.proto.stats.v1.TopConsumers;
import io.fooproxy.proto.telemetry.v1.FrontendState;
import io.fooproxy.proto.telemetry.v1.MessageBucket;
import io.fooproxy.proto.telemetry.v1.TelemetryBatch;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend's numbers: totals, per-frontend figures, the moving windows and the
 * de-duplication state, behind one lock.
 *
 * <p>De-duplication lives here, not in the ingest, so that deciding "already applied?" and
 * applying happen under the same lock as {@link #exportState()}: a recovery snapshot always
 * holds totals and de-duplication state that match, and after a crash a resent batch is either
 * in the restored totals and recognised as a duplicate, or in neither.
 *
 * <p>The windows end at {@code E = min(now, lowest watermark among frontends with a live
 * stream)}, or now when none is live (see {@link MovingWindows} for the window math). A live
 * frontend holds the end back only once one of its batches carried a watermark; a frontend whose
 * last stream closed no longer holds it.
 *
 * <p>Protocol analytics ride with their batch: applied exactly when its counters are (a
 * duplicate applies none), per frontend and overall, and in the same snapshots. Their histograms
 * are decoded before the lock is taken.
 *
 * <p>Thread-safe: ingest threads write, reporting surfaces read; every method is short.
 */
public final class StatsAggregator implements StatsView, ConsumptionView {
    private static final Logger log = LoggerFactory.getLogger(StatsAggregator.class);
    private static final long REJECT_LOG_GAP_MILLIS = 30_000;

    /** The most distinct frontend_ids kept; a new one beyond it is refused, so memory is bounded. */
    public static final int MAX_FRONTENDS = 1024;

    private static final long NO_WATERMARK = Long.MIN_VALUE;

    private final Clock clock;
    private final long createdUnixMillis;
    private final Object lock = new Object();
    private final MovingWindows windows = new MovingWindows();
    private final Map<String, Frontend> frontends = new TreeMap<>();
    private final AnalyticsSettings analyticsSettings;
    /** All frontends' analytics together, kept as batches arrive (not summed per query). */
    private AnalyticsFigures overall = new AnalyticsFigures();
    private final ConsumptionTable consumption;
    private long lastRejectLogMillis = Long.MIN_VALUE;
    /** Bumped (under the lock) by every change a recovery snapshot would capture. */
    private volatile long version;

    public StatsAggregator(Clock clock) {
        this(clock, AnalyticsSettings.DEFAULTS);
    }

    public StatsAggregator(Clock clock, AnalyticsSettings analyticsSettings) {
        this.clock = requireNonNull(clock, "clock");
        this.analyticsSettings = requireNonNull(analyticsSettings, "analyticsSettings");
        this.createdUnixMillis = clock.millis();
        this.consumption = new ConsumptionTable(analyticsSettings, createdUnixMillis);
    }

    /**
     * Applies one batch exactly once: counted if its sequence is above the last one applied for
     * its frontend and incarnation, otherwise only counted as a duplicate. A new incarnation of
     * a frontend_id replaces its de-duplication entry (its totals carry on).
     *
     * @throws IllegalArgumentException if frontend_id is empty or sequence is 0 (the ingest
     *     validates first; this is the last line of defence)
     */
    public ApplyOutcome apply(TelemetryBatch batch) {
        try (HistogramDecoder histograms = new HistogramDecoder()) {
            return apply(batch, histograms);
        }
    }

    /**
     * {@link #apply(TelemetryBatch)} with the caller's decoder for the batch's histograms: a
     * telemetry stream keeps one for all its batches.
     */
    public ApplyOutcome apply(TelemetryBatch batch, HistogramDecoder histograms) {
        requireNonNull(batch, "batch");
        requireNonNull(histograms, "histograms");
        String id = batch.getFrontendId();
        long sequence = batch.getSequence();
        if (id.isEmpty()) {
            throw new IllegalArgumentException("frontend_id must not be empty");
        }
        if (sequence == 0) {
            throw new IllegalArgumentException("sequence must be at least 1");
        }
        // the costly part, outside the lock; thrown away if the batch turns out a duplicate
        DecodedAnalytics analytics = batch.hasAnalytics()
                ? DecodedAnalytics.decode(batch.getAnalytics(), histograms) : DecodedAnalytics.EMPTY;
        synchronized (lock) {
            long now = clock.millis();
            Frontend f = frontends.get(id);
            if (f == null) {
                if (frontends.size() >= MAX_FRONTENDS) {
                    return ApplyOutcome.REJECTED_TOO_MANY_FRONTENDS;
                }
                f = new Frontend(id);
                f.incarnation = batch.getIncarnation();
                frontends.put(id, f);
            } else if (f.incarnation != batch.getIncarnation()) {
                // the frontend restarted: its old sequence numbers mean nothing any more
                f.incarnation = batch.getIncarnation();
                f.lastAppliedSequence = 0;
                f.watermark = NO_WATERMARK;
            }
            f.lastSeenUnixMillis = now;
            f.observeWatermark(batch.getWatermarkUnixMillis());
            version++;
            if (Long.compareUnsigned(sequence, f.lastAppliedSequence) <= 0) {
                f.batchesDuplicate = SaturatingCounts.add(f.batchesDuplicate, 1);
                return ApplyOutcome.DUPLICATE;
            }
            for (MessageBucket b : batch.getBucketsList()) {
                f.totals.addMessages(b.getRequests(), b.getAcks(), b.getNaks());
                // too old or too far ahead: totals only (MovingWindows says no)
                windows.add(b.getStartUnixMillis(), b.getRequests(), b.getAcks(), b.getNaks(), now);
                f.analytics.addAnswers(b.getStartUnixMillis(), b.getAcks(), b.getNaks(), now);
            }
            f.analytics.apply(analytics, now);
            overall.apply(analytics, now);
            consumption.add(analytics.clients(), analytics.otherClients(), now);
            if (analytics.rejectedHistograms() > 0
                    && now - lastRejectLogMillis >= REJECT_LOG_GAP_MILLIS) {
                lastRejectLogMillis = now;
                log.warn("telemetry: frontend {} sent {} histogram(s) that do not decode; left out "
                        + "(logged at most every 30 s)", id, analytics.rejectedHistograms());
            }
            if (batch.hasCounters()) {
                f.totals.add(batch.getCounters());
            }
            if (batch.hasState()) {
                f.lastState = batch.getState();
            }
            f.lastAppliedSequence = sequence;
            f.batchesApplied = SaturatingCounts.add(f.batchesApplied, 1);
            return ApplyOutcome.APPLIED;
        }
    }

    /**
     * Notes that a Publish stream of {@code frontendId} is open (call after its first batch was
     * applied). Several streams of one frontend may overlap; it is connected while any is open.
     *
     * @return false if the frontend is unknown (its first batch was refused)
     */
    public boolean streamOpened(String frontendId) {
        requireNonNull(frontendId, "frontendId");
        synchronized (lock) {
            Frontend f = frontends.get(frontendId);
            if (f == null) {
                return false;
            }
            f.openStreams++;
            return true;
        }
    }

    /** Notes that a stream {@link #streamOpened opened} for {@code frontendId} has ended. */
    public void streamClosed(String frontendId) {
        requireNonNull(frontendId, "frontendId");
        synchronized (lock) {
            Frontend f = frontends.get(frontendId);
            if (f == null || f.openStreams == 0) {
                return;
            }
            f.openStreams--;
            if (f.openStreams == 0) {
                // a disconnected frontend no longer holds the window end back
                f.watermark = NO_WATERMARK;
            }
        }
    }

    /** How many frontends have a Publish stream open now. */
    public int connectedFrontendCount() {
        synchronized (lock) {
            int n = 0;
            for (Frontend f : frontends.values()) {
                if (f.openStreams > 0) {
                    n++;
                }
            }
            return n;
        }
    }

    /** How many frontends the backend has heard from (including restored ones). */
    public int knownFrontendCount() {
        synchronized (lock) {
            return frontends.size();
        }
    }

    /** The change counter: different whenever something a recovery snapshot holds changed. */
    public long version() {
        return version;
    }

    @Override
    public Stats snapshot() {
        synchronized (lock) {
            long now = clock.millis();
            rollConsumption(now);
            long end = now;
            for (Frontend f : frontends.values()) {
                if (f.openStreams > 0 && f.watermark != NO_WATERMARK) {
                    end = Math.min(end, f.watermark);
                }
            }
            MutableTotals totals = new MutableTotals();
            long active = 0;
            long inFlight = 0;
            long oldestInFlight = 0;
            List<FrontendStats> perFrontend = new ArrayList<>(frontends.size());
            for (Frontend f : frontends.values()) {
                boolean connected = f.openStreams > 0;
                long fActive = connected ? f.lastState.getActiveConnections() : 0;
                long fInFlight = connected ? f.lastState.getInFlightRequests() : 0;
                long fOldest = connected ? f.lastState.getOldestInFlightAgeMillis() : 0;
                active = SaturatingCounts.add(active, fActive);
                inFlight = SaturatingCounts.add(inFlight, fInFlight);
                oldestInFlight = Long.compareUnsigned(fOldest, oldestInFlight) > 0 ? fOldest : oldestInFlight;
                totals.add(f.totals);
                Analytics fAnalytics = f.analytics.toStats(Math.min(end, now))
                        .setInFlightRequests(fInFlight)
                        .setOldestInFlightAgeMillis(fOldest)
                        .build();
                perFrontend.add(f.toStats(connected, fActive, fAnalytics));
            }
            WindowRates rates = windows.rates(end, now);
            Analytics analytics = overall.toStats(rates.windowEndUnixMillis())
                    .setInFlightRequests(inFlight)
                    .setOldestInFlightAgeMillis(oldestInFlight)
                    // overall, the exact 1 ms windows of the rates
                    .setNakRatio1S(rates.nakRatio1s())
                    .setNakRatio10S(rates.nakRatio10s())
                    .setConsumption(consumption.top(analyticsSettings.topConsumers(), ConsumerOrder.MESSAGES))
                    .build();
            return Stats.newBuilder()
                    .setMsgTotal(SaturatingCounts.add(
                            SaturatingCounts.add(totals.requests, totals.acks), totals.naks))
                    .setMsgReq(totals.requests)
                    .setMsgAck(totals.acks)
                    .setMsgNak(totals.naks)
                    .setRequestRate1S(rates.requestRate1s())
                    .setRequestRate10S(rates.requestRate10s())
                    .setResponseRate1S(rates.responseRate1s())
                    .setResponseRate10S(rates.responseRate10s())
                    .setMsgInvalid(totals.invalidLines)
                    .setMsgOversized(totals.oversizedLines)
                    .setConnectionsTotal(totals.connectionsOpened)
                    .setConnectionsActive(active)
                    .setBytesClientToServer(totals.bytesClientToServer)
                    .setBytesServerToClient(totals.bytesServerToClient)
                    .setUpstreamConnectFailures(totals.upstreamConnectFailures)
                    .setUptimeSeconds(Math.max(0, now - createdUnixMillis) / 1000.0)
                    .setTimestampUnixMillis(now)
                    .setSource("backend")
                    .addAllFrontends(perFrontend)
                    .setAnalytics(analytics)
                    .build();
        }
    }

    @Override
    public TopConsumers topConsumers(int limit, ConsumerOrder order) {
        requireNonNull(order, "order");
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative");
        }
        synchronized (lock) {
            rollConsumption(clock.millis());
            int n = limit == 0 ? analyticsSettings.topConsumers() : limit;
            return consumption.top(n, order);
        }
    }

    /** The analytics settings this aggregator was built with. */
    public AnalyticsSettings analyticsSettings() {
        return analyticsSettings;
    }

    /** A reset at a cycle boundary is a change the recovery file must capture. */
    private void rollConsumption(long now) {
        if (consumption.roll(now)) {
            version++;
        }
    }

    /** A consistent copy of everything the recovery file keeps (see {@link AggregatorState}). */
    public AggregatorState exportState() {
        synchronized (lock) {
            long now = clock.millis();
            rollConsumption(now);
            MutableTotals totals = new MutableTotals();
            List<FrontendFigures> figures = new ArrayList<>(frontends.size());
            for (Frontend f : frontends.values()) {
                totals.add(f.totals);
                figures.add(f.toFigures(now));
            }
            return new AggregatorState(version, now, totals.toCounters(), figures,
                    windows.buckets(now), consumption.toRecord());
        }
    }

    /**
     * Replaces the durable state with restored figures and window buckets (at startup, before
     * any stream is served). The window buckets are added to the windows only; they are already
     * part of the restored totals.
     *
     * @throws IllegalArgumentException if two figures share a frontend_id
     * @throws IllegalStateException if a stream is open
     */
    public void restore(List<FrontendFigures> figures, List<WindowBucket> windowBuckets) {
        restore(figures, windowBuckets, ConsumptionRecord.getDefaultInstance());
    }

    /**
     * Like {@link #restore(List, List)}, with the consumption cycle (see {@link
     * ConsumptionTable#restore}) and each frontend's analytics; the overall analytics are
     * rebuilt from the frontends'.
     *
     * @throws IllegalArgumentException also if an analytics histogram or the consumption table
     *     is malformed (nothing is changed then)
     */
    public void restore(List<FrontendFigures> figures, List<WindowBucket> windowBuckets,
            ConsumptionRecord consumptionRecord) {
        requireNonNull(figures, "figures");
        requireNonNull(windowBuckets, "windowBuckets");
        requireNonNull(consumptionRecord, "consumptionRecord");
        Set<String> ids = new HashSet<>();
        for (FrontendFigures f : figures) {
            if (!ids.add(f.frontendId())) {
                throw new IllegalArgumentException("duplicate frontend_id " + f.frontendId());
            }
        }
        synchronized (lock) {
            for (Frontend f : frontends.values()) {
                if (f.openStreams > 0) {
                    throw new IllegalStateException("restore while frontend " + f.id
                            + " is connected");
                }
            }
            long now = clock.millis();
            List<Frontend> restored = new ArrayList<>(figures.size());
            AnalyticsFigures all = new AnalyticsFigures();
            for (FrontendFigures fig : figures) {
                Frontend f = Frontend.of(fig, now);
                all.addAll(f.analytics, now);
                restored.add(f);
            }
            consumption.restore(consumptionRecord, now);
            overall = all;
            frontends.clear();
            windows.clear();
            for (Frontend f : restored) {
                frontends.put(f.id, f);
            }
            for (WindowBucket b : windowBuckets) {
                windows.add(b.startUnixMillis(), b.requests(), b.acks(), b.naks(), now);
            }
            version++;
        }
    }

    /** One frontend's figures; guarded by the aggregator's lock. */
    private static final class Frontend {
        final String id;
        final MutableTotals totals;
        final AnalyticsFigures analytics;
        long incarnation;
        long lastAppliedSequence;
        long batchesApplied;
        long batchesDuplicate;
        long lastSeenUnixMillis;
        FrontendState lastState = FrontendState.getDefaultInstance();
        int openStreams;
        long watermark = NO_WATERMARK;

        Frontend(String id) {
            this(id, new MutableTotals(), new AnalyticsFigures());
        }

        private Frontend(String id, MutableTotals totals, AnalyticsFigures analytics) {
            this.id = id;
            this.totals = totals;
            this.analytics = analytics;
        }

        static Frontend of(FrontendFigures fig, long now) {
            Frontend f = new Frontend(fig.frontendId(), MutableTotals.of(fig.totals()),
                    AnalyticsFigures.of(fig.analytics(), now));
            f.incarnation = fig.incarnation();
            f.lastAppliedSequence = fig.lastAppliedSequence();
            f.batchesApplied = fig.batchesApplied();
            f.batchesDuplicate = fig.batchesDuplicate();
            f.lastSeenUnixMillis = fig.lastSeenUnixMillis();
            f.lastState = fig.lastState();
            return f;
        }

        /** Watermarks only move forward within an incarnation; 0 or less means "none sent". */
        void observeWatermark(long w) {
            if (w > 0 && w > watermark) {
                watermark = w;
            }
        }

        FrontendFigures toFigures(long now) {
            return new FrontendFigures(id, totals.toCounters(), incarnation, lastAppliedSequence,
                    batchesApplied, batchesDuplicate, lastSeenUnixMillis, lastState,
                    analytics.toRecord(now));
        }

        FrontendStats toStats(boolean connected, long activeConnections, Analytics analytics) {
            return FrontendStats.newBuilder()
                    .setFrontendId(id)
                    .setConnected(connected)
                    .setMsgReq(totals.requests)
                    .setMsgAck(totals.acks)
                    .setMsgNak(totals.naks)
                    .setMsgInvalid(totals.invalidLines)
                    .setMsgOversized(totals.oversizedLines)
                    .setConnectionsTotal(totals.connectionsOpened)
                    .setConnectionsActive(activeConnections)
                    .setBytesClientToServer(totals.bytesClientToServer)
                    .setBytesServerToClient(totals.bytesServerToClient)
                    .setUpstreamConnectFailures(totals.upstreamConnectFailures)
                    .setBatchesApplied(batchesApplied)
                    .setBatchesDuplicate(batchesDuplicate)
                    .setLastSeenUnixMillis(lastSeenUnixMillis)
                    .setBatchesSent(lastState.getBatchesSent())
                    .setBatchesAcked(lastState.getBatchesAcked())
                    .setBatchesResent(lastState.getBatchesResent())
                    .setBufferedBuckets(lastState.getBufferedBuckets())
                    .setOldestUnackedAgeMillis(lastState.getOldestUnackedAgeMillis())
                    .setAnalytics(analytics)
                    .build();
        }
    }
}
