package io.fooproxy.cli;

import static java.util.Objects.requireNonNull;

import io.fooproxy.proto.stats.v1.Analytics;
import io.fooproxy.proto.stats.v1.Stats;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * One human-readable {@code watch} line: when, the totals, the four rates and what changed
 * since the previous line, e.g.
 * {@code 2026-01-02 10:00:01  req=30 ack=25 nak=5  req/s 1s=12.5 10s=9.25  resp/s 1s=11 10s=8.5  new req=+10 resp=+8},
 * followed, when the backend sends analytics, by the 1 s window's latency and what is in flight:
 * {@code   latency 1s p50=512us p99=1.8ms  in-flight=3 oldest=12ms}.
 */
final class WatchLine {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private final ZoneId zone;

    WatchLine(ZoneId zone) {
        this.zone = requireNonNull(zone, "zone");
    }

    /** {@code previous} is null for the first line. */
    String format(Stats previous, Stats current) {
        requireNonNull(current, "current");
        StringBuilder line = new StringBuilder(160);
        line.append(TIME.format(Instant.ofEpochMilli(current.getTimestampUnixMillis()).atZone(zone)));
        line.append("  req=").append(Long.toUnsignedString(current.getMsgReq()));
        line.append(" ack=").append(Long.toUnsignedString(current.getMsgAck()));
        line.append(" nak=").append(Long.toUnsignedString(current.getMsgNak()));
        line.append("  req/s 1s=").append(rate(current.getRequestRate1S()));
        line.append(" 10s=").append(rate(current.getRequestRate10S()));
        line.append("  resp/s 1s=").append(rate(current.getResponseRate1S()));
        line.append(" 10s=").append(rate(current.getResponseRate10S()));
        line.append("  new req=");
        if (previous == null) {
            line.append("- resp=-");
        } else {
            line.append(delta(current.getMsgReq() - previous.getMsgReq()));
            line.append(" resp=").append(delta(
                    current.getMsgAck() + current.getMsgNak() - previous.getMsgAck() - previous.getMsgNak()));
        }
        if (current.hasAnalytics()) {
            Analytics a = current.getAnalytics();
            line.append("  latency 1s p50=").append(micros(a.getLatency1S().getP50Us()));
            line.append(" p99=").append(micros(a.getLatency1S().getP99Us()));
            line.append("  in-flight=").append(Long.toUnsignedString(a.getInFlightRequests()));
            line.append(" oldest=").append(Long.toUnsignedString(a.getOldestInFlightAgeMillis())).append("ms");
        }
        return line.toString();
    }

    /** Microseconds as people read them: 512us, 1.8ms, 2.35s (three significant-ish decimals). */
    static String micros(double us) {
        if (us < 1_000) {
            return rate(us) + "us";
        }
        if (us < 1_000_000) {
            return rate(Math.round(us / 10.0) / 100.0) + "ms";
        }
        return rate(Math.round(us / 10_000.0) / 100.0) + "s";
    }

    private static String delta(long change) {
        return change >= 0 ? "+" + change : Long.toString(change);
    }

    /** Up to three decimals, trailing zeros dropped: 12.5, 9.25, 11. */
    static String rate(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "0";
        }
        String s = String.format(Locale.ROOT, "%.3f", value);
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        s = s.substring(0, end);
        return s.equals("-0") ? "0" : s;
    }
}
