package io.fooproxy.backend.http;

import static java.util.Objects.requireNonNull;

import io.fooproxy.backend.HealthReport;
import io.fooproxy.backend.ListenerHealth;
import io.fooproxy.proto.json.StatsJson;
import io.fooproxy.proto.stats.v1.FrontendStats;
import io.fooproxy.proto.stats.v1.Stats;

/** Renders the {@code /health} and {@code /status} JSON documents. */
final class HealthDocuments {
    private HealthDocuments() {}

    static String status(HealthReport report) {
        return report.serving() ? "SERVING" : "NOT_SERVING";
    }

    /**
     * {@code {"status":"SERVING","components":{"recovery":{"status":"SERVING","critical":true,
     * "detail":"…"},…}}}, plus {@code "shutting_down":true} while stopping.
     */
    static String health(HealthReport report) {
        StringBuilder out = new StringBuilder(512);
        out.append('{');
        healthFields(out, report);
        return out.append("}\n").toString();
    }

    /** The health document plus version, uptime, listen addresses and a line per frontend. */
    static String status(HealthReport report, StatusInfo info, Stats stats) {
        requireNonNull(info, "info");
        requireNonNull(stats, "stats");
        StringBuilder out = new StringBuilder(1024);
        out.append('{');
        healthFields(out, report);
        out.append(",\"version\":");
        StatsJson.string(out, info.version());
        out.append(",\"uptime_seconds\":");
        out.append(StatsJson.number(stats.getUptimeSeconds()));
        out.append(",\"listen\":{");
        boolean first = true;
        for (ListenerHealth listener : info.listeners()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            StatsJson.string(out, listener.name()).append(':');
            StatsJson.string(out, listener.address().orElse(""));
        }
        out.append("},\"msg_total\":").append(Long.toUnsignedString(stats.getMsgTotal()));
        out.append(",\"frontends\":[");
        for (int i = 0; i < stats.getFrontendsCount(); i++) {
            FrontendStats f = stats.getFrontends(i);
            if (i > 0) {
                out.append(',');
            }
            out.append("{\"frontend_id\":");
            StatsJson.string(out, f.getFrontendId());
            out.append(",\"connected\":").append(f.getConnected());
            out.append(",\"connections_active\":").append(Long.toUnsignedString(f.getConnectionsActive()));
            out.append(",\"msg_req\":").append(Long.toUnsignedString(f.getMsgReq()));
            out.append(",\"msg_ack\":").append(Long.toUnsignedString(f.getMsgAck()));
            out.append(",\"msg_nak\":").append(Long.toUnsignedString(f.getMsgNak()));
            out.append(",\"batches_applied\":").append(Long.toUnsignedString(f.getBatchesApplied()));
            out.append(",\"last_seen_unix_millis\":").append(f.getLastSeenUnixMillis());
            out.append('}');
        }
        return out.append("]}\n").toString();
    }

    private static void healthFields(StringBuilder out, HealthReport report) {
        out.append("\"status\":\"").append(status(report)).append('"');
        if (report.shuttingDown()) {
            out.append(",\"shutting_down\":true");
        }
        out.append(",\"components\":{");
        boolean first = true;
        for (HealthReport.Component c : report.components()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            StatsJson.string(out, c.name());
            out.append(":{\"status\":\"").append(c.serving() ? "SERVING" : "NOT_SERVING").append('"');
            out.append(",\"critical\":").append(c.critical());
            out.append(",\"detail\":");
            StatsJson.string(out, c.detail());
            out.append('}');
        }
        out.append('}');
    }
}
