package io.fooproxy.backend.analytics;

import static java.util.Objects.requireNonNull;

import io.fooproxy.backend.stats.MovingWindows;
import io.fooproxy.proto.recovery.v1.AnalyticsRecord;
import io.fooproxy.proto.recovery.v1.WindowSlice;
import io.fooproxy.proto.stats.v1.Analytics;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The protocol analytics of one frontend, or of all of them: latency over the windows and since
 * the numbers began, protocol counters, and the per-connection distributions. Not thread-safe;
 * the aggregator's lock guards it.
 *
 * <p>Every since-start figure is a histogram that is added to in place (never rebuilt); the
 * windows are merged from at most 100 slices per query.
 */
public final class AnalyticsFigures {
    private final SliceRing ring = new SliceRing();
    private final Histogram latencyTotal = HistogramCodec.newHistogram();
    private final Histogram connectionDurations = HistogramCodec.newHistogram();
    private final Histogram messagesPerConnection = HistogramCodec.newHistogram();
    private final ProtocolTotals protocol = new ProtocolTotals();
    /** The last {@link #toRecord()}, kept while nothing changed: idle frontends cost no encoding. */
    private AnalyticsRecord record = AnalyticsRecord.getDefaultInstance();
    private boolean recordStale;

    /** Applies one batch's analytics (once: the caller de-duplicates). */
    public void apply(DecodedAnalytics a, long now) {
        requireNonNull(a, "a");
        for (DecodedAnalytics.Slice s : a.latency()) {
            latencyTotal.add(s.histogram());
            ring.addLatency(s.startUnixMillis(), s.histogram(), now); // late: total only
        }
        protocol.add(a.protocol());
        if (a.connectionDurations() != null) {
            connectionDurations.add(a.connectionDurations());
        }
        if (a.messagesPerConnection() != null) {
            messagesPerConnection.add(a.messagesPerConnection());
        }
        recordStale = true;
    }

    /** Counts one 1 ms message bucket's answers toward the windowed NAK ratio. */
    public void addAnswers(long bucketUnixMillis, long acks, long naks, long now) {
        ring.addAnswers(bucketUnixMillis, acks, naks, now);
    }

    /** Adds another's figures, windows included, to these (rebuilding the overall ones after a restore). */
    public void addAll(AnalyticsFigures other, long now) {
        requireNonNull(other, "other");
        ring.addAll(other.ring, now);
        latencyTotal.add(other.latencyTotal);
        connectionDurations.add(other.connectionDurations);
        messagesPerConnection.add(other.messagesPerConnection);
        protocol.add(other.protocol.toCounters());
        recordStale = true;
    }

    /**
     * The figures for the stats, windows ending at {@code windowEnd} (see {@link SliceRing}).
     * In-flight gauges, the overall NAK ratios and consumption are the caller's to set; the NAK
     * ratios here come from the 100 ms slices.
     */
    public Analytics.Builder toStats(long windowEnd) {
        Analytics.Builder b = Analytics.newBuilder()
                .setLatency1S(HistogramCodec.latency(
                        ring.latency(windowEnd, MovingWindows.SHORT_WINDOW_MILLIS)))
                .setLatency10S(HistogramCodec.latency(
                        ring.latency(windowEnd, MovingWindows.LONG_WINDOW_MILLIS)))
                .setLatencyTotal(HistogramCodec.latency(latencyTotal))
                .setNakRatio1S(ring.nakRatio(windowEnd, MovingWindows.SHORT_WINDOW_MILLIS))
                .setNakRatio10S(ring.nakRatio(windowEnd, MovingWindows.LONG_WINDOW_MILLIS))
                .setViolations(protocol.toViolations())
                .setConnectionDurationMillis(HistogramCodec.distribution(connectionDurations))
                .setMessagesPerConnection(HistogramCodec.distribution(messagesPerConnection));
        return b;
    }

    /**
     * What the recovery file keeps: the since-start figures and the slices of the last 10 s
     * before {@code now}.
     */
    public AnalyticsRecord toRecord(long now) {
        List<WindowSlice> window = ring.slices(now);
        AnalyticsRecord totals = totalsRecord();
        return window.isEmpty() ? totals : totals.toBuilder().addAllWindow(window).build();
    }

    /** The since-start part, re-encoded only after a change. */
    private AnalyticsRecord totalsRecord() {
        if (recordStale) {
            record = AnalyticsRecord.newBuilder()
                    .setLatencyTotalMicros(HistogramCodec.encode(latencyTotal))
                    .setProtocol(protocol.toCounters())
                    .setConnectionDurationMillis(HistogramCodec.encode(connectionDurations))
                    .setMessagesPerConnection(HistogramCodec.encode(messagesPerConnection))
                    .build();
            recordStale = false;
        }
        return record;
    }

    /**
     * Figures restored from a recovery record; its window slices are added as they are (the
     * caller has applied the recovery rule to them), those too old at {@code now} left out.
     *
     * @throws IllegalArgumentException if a histogram does not decode
     */
    public static AnalyticsFigures of(AnalyticsRecord r, long now) {
        requireNonNull(r, "r");
        AnalyticsFigures f = new AnalyticsFigures();
        for (WindowSlice s : r.getWindowList()) {
            Histogram h = HistogramCodec.decode(s.getLatencyMicros());
            if (h != null) {
                f.ring.addLatency(s.getStartUnixMillis(), h, now);
            }
            f.ring.addAnswers(s.getStartUnixMillis(), s.getAcks(), s.getNaks(), now);
        }
        addIfAny(f.latencyTotal, HistogramCodec.decode(r.getLatencyTotalMicros()));
        addIfAny(f.connectionDurations, HistogramCodec.decode(r.getConnectionDurationMillis()));
        addIfAny(f.messagesPerConnection, HistogramCodec.decode(r.getMessagesPerConnection()));
        f.protocol.add(r.getProtocol());
        f.record = r.toBuilder().clearWindow().build();
        return f;
    }

    private static void addIfAny(Histogram into, Histogram h) {
        if (h != null) {
            into.add(h);
        }
    }
}
