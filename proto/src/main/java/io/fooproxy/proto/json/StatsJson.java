package io.fooproxy.proto.json;

import io.fooproxy.proto.stats.v1.Analytics;
import io.fooproxy.proto.stats.v1.Consumer;
import io.fooproxy.proto.stats.v1.Distribution;
import io.fooproxy.proto.stats.v1.FrontendStats;
import io.fooproxy.proto.stats.v1.Latency;
import io.fooproxy.proto.stats.v1.ProtocolViolations;
import io.fooproxy.proto.stats.v1.PublisherStats;
import io.fooproxy.proto.stats.v1.Stats;
import io.fooproxy.proto.stats.v1.TopConsumers;
import java.util.Locale;

/**
 * The one JSON face of {@link Stats}, shared by every process that prints statistics (backend
 * HTTP and SIGUSR2, frontend SIGUSR2, the CLI) so that they all print the same object.
 *
 * <p>Written by hand rather than with protobuf's JsonFormat because the contract needs what
 * JsonFormat does not give: the eight contract fields first and in DESIGN.md's order, 64-bit
 * integers as JSON integers (JsonFormat quotes them), and snake_case names. One line, no
 * trailing newline.
 *
 * <p>{@code analytics} (when set) comes last, as a nested object, both in the whole object and in
 * each frontend's; without it the output is what it was before analytics existed.
 */
public final class StatsJson {
    private StatsJson() {}

    public static String toJson(Stats s) {
        StringBuilder out = new StringBuilder(512);
        out.append('{');
        field(out, "msg_total", s.getMsgTotal());
        field(out, "msg_req", s.getMsgReq());
        field(out, "msg_ack", s.getMsgAck());
        field(out, "msg_nak", s.getMsgNak());
        field(out, "request_rate_1s", s.getRequestRate1S());
        field(out, "request_rate_10s", s.getRequestRate10S());
        field(out, "response_rate_1s", s.getResponseRate1S());
        field(out, "response_rate_10s", s.getResponseRate10S());
        field(out, "msg_invalid", s.getMsgInvalid());
        field(out, "msg_oversized", s.getMsgOversized());
        field(out, "connections_total", s.getConnectionsTotal());
        field(out, "connections_active", s.getConnectionsActive());
        field(out, "bytes_client_to_server", s.getBytesClientToServer());
        field(out, "bytes_server_to_client", s.getBytesServerToClient());
        field(out, "upstream_connect_failures", s.getUpstreamConnectFailures());
        field(out, "uptime_seconds", s.getUptimeSeconds());
        field(out, "timestamp_unix_millis", s.getTimestampUnixMillis());
        if (!s.getSource().isEmpty()) {
            field(out, "source", s.getSource());
        }
        if (!s.getBackendError().isEmpty()) {
            field(out, "backend_error", s.getBackendError());
        }
        if (s.getFrontendsCount() > 0) {
            out.append("\"frontends\":[");
            for (int i = 0; i < s.getFrontendsCount(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                frontend(out, s.getFrontends(i));
            }
            out.append("],");
        }
        if (s.hasPublisher()) {
            out.append("\"publisher\":");
            publisher(out, s.getPublisher());
            out.append(',');
        }
        if (s.hasAnalytics()) {
            out.append("\"analytics\":");
            analytics(out, s.getAnalytics());
            out.append(',');
        }
        out.setLength(out.length() - 1); // the last comma
        out.append('}');
        return out.toString();
    }

    private static void frontend(StringBuilder out, FrontendStats f) {
        out.append('{');
        field(out, "frontend_id", f.getFrontendId());
        out.append("\"connected\":").append(f.getConnected()).append(',');
        field(out, "msg_req", f.getMsgReq());
        field(out, "msg_ack", f.getMsgAck());
        field(out, "msg_nak", f.getMsgNak());
        field(out, "msg_invalid", f.getMsgInvalid());
        field(out, "msg_oversized", f.getMsgOversized());
        field(out, "connections_total", f.getConnectionsTotal());
        field(out, "connections_active", f.getConnectionsActive());
        field(out, "bytes_client_to_server", f.getBytesClientToServer());
        field(out, "bytes_server_to_client", f.getBytesServerToClient());
        field(out, "upstream_connect_failures", f.getUpstreamConnectFailures());
        field(out, "batches_applied", f.getBatchesApplied());
        field(out, "batches_duplicate", f.getBatchesDuplicate());
        field(out, "last_seen_unix_millis", f.getLastSeenUnixMillis());
        field(out, "batches_sent", f.getBatchesSent());
        field(out, "batches_acked", f.getBatchesAcked());
        field(out, "batches_resent", f.getBatchesResent());
        field(out, "buffered_buckets", f.getBufferedBuckets());
        field(out, "oldest_unacked_age_millis", f.getOldestUnackedAgeMillis());
        if (f.hasAnalytics()) {
            out.append("\"analytics\":");
            analytics(out, f.getAnalytics());
            out.append(',');
        }
        out.setLength(out.length() - 1);
        out.append('}');
    }

    private static void analytics(StringBuilder out, Analytics a) {
        out.append('{');
        latency(out, "latency_1s", a.getLatency1S());
        latency(out, "latency_10s", a.getLatency10S());
        latency(out, "latency_total", a.getLatencyTotal());
        field(out, "in_flight_requests", a.getInFlightRequests());
        field(out, "oldest_in_flight_age_millis", a.getOldestInFlightAgeMillis());
        ratio(out, "nak_ratio_1s", a.getNakRatio1S());
        ratio(out, "nak_ratio_10s", a.getNakRatio10S());
        ProtocolViolations v = a.getViolations();
        out.append("\"violations\":{");
        field(out, "unknown_seq_answers", v.getUnknownSeqAnswers());
        field(out, "duplicate_answers", v.getDuplicateAnswers());
        field(out, "non_sequential_requests", v.getNonSequentialRequests());
        field(out, "out_of_order_answers", v.getOutOfOrderAnswers());
        field(out, "requests_from_server", v.getRequestsFromServer());
        field(out, "answers_from_client", v.getAnswersFromClient());
        field(out, "outstanding_overflow", v.getOutstandingOverflow());
        field(out, "unanswered_requests", v.getUnansweredRequests());
        field(out, "untracked_answers", v.getUntrackedAnswers());
        out.setLength(out.length() - 1);
        out.append("},");
        distribution(out, "connection_duration_millis", a.getConnectionDurationMillis());
        distribution(out, "messages_per_connection", a.getMessagesPerConnection());
        if (a.hasConsumption()) {
            consumption(out, a.getConsumption());
        }
        out.setLength(out.length() - 1);
        out.append('}');
    }

    private static void latency(StringBuilder out, String name, Latency l) {
        out.append('"').append(name).append("\":{");
        field(out, "count", l.getCount());
        field(out, "p50_us", l.getP50Us());
        field(out, "p90_us", l.getP90Us());
        field(out, "p99_us", l.getP99Us());
        field(out, "p999_us", l.getP999Us());
        field(out, "max_us", l.getMaxUs());
        field(out, "mean_us", l.getMeanUs());
        out.setLength(out.length() - 1);
        out.append("},");
    }

    private static void distribution(StringBuilder out, String name, Distribution d) {
        out.append('"').append(name).append("\":{");
        field(out, "count", d.getCount());
        field(out, "mean", d.getMean());
        field(out, "p50", d.getP50());
        field(out, "p99", d.getP99());
        field(out, "max", d.getMax());
        out.setLength(out.length() - 1);
        out.append("},");
    }

    private static void consumption(StringBuilder out, TopConsumers t) {
        out.append("\"consumption\":{");
        field(out, "cycle_started_unix_millis", t.getCycleStartedUnixMillis());
        field(out, "cycle_seconds", t.getCycleSeconds());
        field(out, "cycle_ends_unix_millis", t.getCycleEndsUnixMillis());
        field(out, "last_reset_unix_millis", t.getLastResetUnixMillis());
        field(out, "total_messages", t.getTotalMessages());
        field(out, "total_bytes", t.getTotalBytes());
        field(out, "tracked_clients", t.getTrackedClients());
        field(out, "max_tracked_clients", t.getMaxTrackedClients());
        out.append("\"top\":[");
        for (int i = 0; i < t.getTopCount(); i++) {
            Consumer c = t.getTop(i);
            out.append(i == 0 ? "{" : ",{");
            field(out, "address", c.getAddress());
            field(out, "messages", c.getMessages());
            field(out, "bytes", c.getBytes());
            field(out, "max_overcount_messages", c.getMaxOvercountMessages());
            field(out, "max_overcount_bytes", c.getMaxOvercountBytes());
            out.setLength(out.length() - 1);
            out.append('}');
        }
        out.append("]},");
    }

    /** Ratios keep six decimals (a NAK ratio of 0.0004 is worth seeing), trimmed like rates. */
    private static void ratio(StringBuilder out, String name, double value) {
        out.append('"').append(name).append("\":").append(number(value, 6)).append(',');
    }

    private static void publisher(StringBuilder out, PublisherStats p) {
        out.append('{');
        field(out, "frontend_id", p.getFrontendId());
        field(out, "backend_connection", connection(p.getBackendConnection()));
        field(out, "batches_sent", p.getBatchesSent());
        field(out, "batches_acked", p.getBatchesAcked());
        field(out, "batches_resent", p.getBatchesResent());
        field(out, "unacked_batches", p.getUnackedBatches());
        field(out, "buffered_buckets", p.getBufferedBuckets());
        field(out, "max_buffered_buckets", p.getMaxBufferedBuckets());
        field(out, "oldest_unacked_age_millis", p.getOldestUnackedAgeMillis());
        field(out, "last_sequence", p.getLastSequence());
        field(out, "acked_through_sequence", p.getAckedThroughSequence());
        field(out, "last_error", p.getLastError());
        out.setLength(out.length() - 1);
        out.append('}');
    }

    /** "connected", "connecting", "disconnected", or "unknown" for a value this build lacks. */
    static String connection(PublisherStats.ConnectionState state) {
        return switch (state) {
            case CONNECTED -> "connected";
            case CONNECTING -> "connecting";
            case DISCONNECTED -> "disconnected";
            case CONNECTION_STATE_UNSPECIFIED, UNRECOGNIZED -> "unknown";
        };
    }

    private static void field(StringBuilder out, String name, long value) {
        // proto uint64 arrives as a signed long; print it unsigned so a huge count never goes negative
        out.append('"').append(name).append("\":").append(Long.toUnsignedString(value)).append(',');
    }

    private static void field(StringBuilder out, String name, double value) {
        out.append('"').append(name).append("\":").append(number(value)).append(',');
    }

    private static void field(StringBuilder out, String name, String value) {
        out.append('"').append(name).append("\":");
        string(out, value);
        out.append(',');
    }

    /** Rates keep three decimals; JSON has no NaN or infinity, so those print as 0. */
    public static String number(double value) {
        return number(value, 3);
    }

    private static String number(double value, int decimals) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "0";
        }
        String s = String.format(Locale.ROOT, "%." + decimals + "f", value);
        // trim "12.500" to "12.5" and "12.000" to "12" for readability; still a JSON number
        if (s.indexOf('.') >= 0) {
            int end = s.length();
            while (s.charAt(end - 1) == '0') {
                end--;
            }
            if (s.charAt(end - 1) == '.') {
                end--;
            }
            s = s.substring(0, end);
        }
        return s.equals("-0") ? "0" : s;
    }

    /** Appends {@code value} as a JSON string; shared with the backend's other JSON documents. */
    public static StringBuilder string(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    // U+2028/2029 are valid JSON but break JavaScript consumers that eval lines
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }
}
