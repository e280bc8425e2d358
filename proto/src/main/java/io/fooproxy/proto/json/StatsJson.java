package io.fooproxy.proto.json;

import io.fooproxy.proto.stats.v1.FrontendStats;
import io.fooproxy.proto.stats.v1.PublisherStats;
import io.fooproxy.proto.stats.v1.Stats;
import java.util.Locale;

/**
 * The one JSON face of {@link Stats}, shared by every process that prints statistics (backend
 * HTTP and SIGUSR2, frontend SIGUSR2, the CLI) so that they all print the same object.
 *
 * <p>Written by hand rather than with protobuf's JsonFormat because the contract needs what
 * JsonFormat does not give: the eight contract fields first and in DESIGN.md's order, 64-bit
 * integers as JSON integers (JsonFormat quotes them), and snake_case names. One line, no
 * trailing newline.
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
        out.setLength(out.length() - 1);
        out.append('}');
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
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "0";
        }
        String s = String.format(Locale.ROOT, "%.3f", value);
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
