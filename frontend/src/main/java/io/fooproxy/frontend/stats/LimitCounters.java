package io.fooproxy.frontend.stats;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the edge's limits and access rules did: connections refused at accept (over {@code
 * max-connections}, over {@code max-connections-per-ip}, or denied, per rule), connections
 * closed by an idle timeout (client or upstream side), and REQ quota pauses. Thread-safe;
 * nothing is allocated per event except the first refusal by a rule not seen before.
 *
 * <p>These figures are the frontend's own: they appear in its SIGUSR2 line (as {@code
 * "limits"}) and in its periodic log line, and are not shipped to the backend.
 */
public final class LimitCounters {
    private final LongAdder rejectedMaxConnections = new LongAdder();
    private final LongAdder rejectedPerIp = new LongAdder();
    private final LongAdder denied = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> deniedByRule = new ConcurrentHashMap<>();
    private final LongAdder clientIdleTimeouts = new LongAdder();
    private final LongAdder upstreamIdleTimeouts = new LongAdder();
    private final LongAdder quotaPauses = new LongAdder();

    /** A connection accepted and closed at once because {@code max-connections} were open. */
    public void onRejectedOverMaxConnections() {
        rejectedMaxConnections.increment();
    }

    /** A connection accepted and closed at once because its address had its connections open. */
    public void onRejectedOverPerIpLimit() {
        rejectedPerIp.increment();
    }

    /** A connection refused by an access rule ({@code "deny <block>"} or {@code "not in allow"}). */
    public void onDenied(String rule) {
        denied.increment();
        deniedByRule.computeIfAbsent(rule, r -> new LongAdder()).increment();
    }

    public void onClientIdleTimeout() {
        clientIdleTimeouts.increment();
    }

    public void onUpstreamIdleTimeout() {
        upstreamIdleTimeouts.increment();
    }

    /** Reading from a client was paused because its address was over its REQ quota. */
    public void onQuotaPause() {
        quotaPauses.increment();
    }

    /** The figures as of now. */
    public Figures figures() {
        Map<String, Long> byRule = new TreeMap<>();
        deniedByRule.forEach((rule, count) -> byRule.put(rule, count.sum()));
        return new Figures(rejectedMaxConnections.sum(), rejectedPerIp.sum(), denied.sum(), byRule,
                clientIdleTimeouts.sum(), upstreamIdleTimeouts.sum(), quotaPauses.sum());
    }

    /** A snapshot of {@link LimitCounters}; {@code deniedByRule} is sorted by rule. */
    public record Figures(long rejectedMaxConnections, long rejectedPerIp, long denied,
                          Map<String, Long> deniedByRule, long clientIdleTimeouts, long upstreamIdleTimeouts,
                          long quotaPauses) {
        public Figures {
            deniedByRule = Map.copyOf(deniedByRule);
        }

        /** The change from {@code earlier} to this. */
        public Figures since(Figures earlier) {
            Map<String, Long> byRule = new TreeMap<>();
            deniedByRule.forEach((rule, n) -> {
                long d = n - earlier.deniedByRule.getOrDefault(rule, 0L);
                if (d != 0) {
                    byRule.put(rule, d);
                }
            });
            return new Figures(rejectedMaxConnections - earlier.rejectedMaxConnections,
                    rejectedPerIp - earlier.rejectedPerIp, denied - earlier.denied, byRule,
                    clientIdleTimeouts - earlier.clientIdleTimeouts,
                    upstreamIdleTimeouts - earlier.upstreamIdleTimeouts, quotaPauses - earlier.quotaPauses);
        }

        public boolean isZero() {
            return rejectedMaxConnections == 0 && rejectedPerIp == 0 && denied == 0 && clientIdleTimeouts == 0
                    && upstreamIdleTimeouts == 0 && quotaPauses == 0;
        }

        /** One JSON object, field names as in the README. */
        public String toJson() {
            StringBuilder json = new StringBuilder(256)
                    .append("{\"connections_rejected_max\":").append(rejectedMaxConnections)
                    .append(",\"connections_rejected_per_ip\":").append(rejectedPerIp)
                    .append(",\"connections_denied\":").append(denied)
                    .append(",\"denied_by_rule\":{");
            String sep = "";
            for (Map.Entry<String, Long> e : new TreeMap<>(deniedByRule).entrySet()) {
                json.append(sep).append('"').append(jsonEscape(e.getKey())).append("\":").append(e.getValue());
                sep = ",";
            }
            return json.append("},\"client_idle_timeouts\":").append(clientIdleTimeouts)
                    .append(",\"upstream_idle_timeouts\":").append(upstreamIdleTimeouts)
                    .append(",\"req_quota_pauses\":").append(quotaPauses)
                    .append('}')
                    .toString();
        }

        /** For the log: only what is not zero, e.g. {@code 3 over max-connections, 2 denied (deny 10.0.0.0/8: 2)}. */
        public String describe() {
            StringBuilder s = new StringBuilder();
            part(s, rejectedMaxConnections, "over max-connections");
            part(s, rejectedPerIp, "over max-connections-per-ip");
            if (denied != 0) {
                part(s, denied, "denied " + new TreeMap<>(deniedByRule).toString()
                        .replace('{', '(').replace('}', ')').replace("=", ": "));
            }
            part(s, clientIdleTimeouts, "client idle timeouts");
            part(s, upstreamIdleTimeouts, "upstream idle timeouts");
            part(s, quotaPauses, "REQ quota pauses");
            return s.length() == 0 ? "nothing" : s.toString();
        }

        private static void part(StringBuilder s, long n, String what) {
            if (n != 0) {
                s.append(s.length() == 0 ? "" : ", ").append(n).append(' ').append(what);
            }
        }

        private static String jsonEscape(String s) {
            StringBuilder out = new StringBuilder(s.length());
            for (char c : s.toCharArray()) {
                if (c == '"' || c == '\\') {
                    out.append('\\').append(c);
                } else if (c < 0x20) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }
    }
}
