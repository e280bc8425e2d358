package io.fooproxy.frontend.config;

import java.util.Locale;
import java.util.Optional;

/**
 * Every setting of the frontend: its name (the option without dashes, and the key in a
 * {@code -config} properties file), its default and its help text. One table feeds the
 * command-line parser, the help, the config-file reader and the reload diff, and says which keys
 * SIGHUP applies while running.
 */
public enum ConfigKey {
    LISTEN("listen", "ADDR", ":8002", false, "address to accept clients on (:port, host:port, [::1]:port)"),
    FORWARD("forward", "ADDR", "localhost:8001", false, "upstream Foo server to relay each client to"),
    BACKEND("backend", "ADDR", "127.0.0.1:9090", false, "gRPC address of the backend that receives telemetry"),
    FRONTEND_ID("frontend-id", "ID", "<hostname>:<listen port>", false,
            "stable name of this frontend in the backend's figures"),
    MAX_LINE_LENGTH("max-line-length", "BYTES", "65536", true,
            "longest line the sniffer classifies; longer lines are counted as oversized"),
    CONNECT_TIMEOUT("connect-timeout", "DURATION", "5s", true, "how long to wait for the upstream connection"),
    FLUSH_INTERVAL("flush-interval", "DURATION", "100ms", false, "how often telemetry is sent to the backend"),
    LOG_LEVEL("log-level", "LEVEL", "INFO", true, "TRACE, DEBUG, INFO, WARN or ERROR"),
    MAX_CONNECTIONS("max-connections", "N", "10000", true,
            "client connections open at once; more are accepted and closed at once"),
    MAX_CONNECTIONS_PER_IP("max-connections-per-ip", "N", "1000", true,
            "client connections open at once from one address; more are accepted and closed at once"),
    CLIENT_IDLE_TIMEOUT("client-idle-timeout", "DURATION", "1m", true,
            "close a client that completes no line and takes no answer for this long (unless it waits for the upstream)"),
    UPSTREAM_IDLE_TIMEOUT("upstream-idle-timeout", "DURATION", "30s", true,
            "close a pair whose upstream sends and takes nothing for this long while a REQ awaits its answer"),
    REQ_RATE_PER_IP("req-rate-per-ip", "REQ/S", "0", true,
            "REQs per second one client address may send (all its connections); 0 = no quota;"
                    + " over it, reading from that client pauses"),
    REQ_BURST_PER_IP("req-burst-per-ip", "REQS", "0", true,
            "REQs an address may send at once above the rate; 0 = one second's worth"),
    ALLOW("allow", "CIDRS", "", true,
            "comma-separated address blocks that may connect (e.g. 10.0.0.0/8,::1/128); empty = all"),
    DENY("deny", "CIDRS", "", true, "comma-separated address blocks that may not connect; deny wins over allow"),
    DRAIN_TIMEOUT("drain-timeout", "DURATION", "30s", true,
            "on SIGTERM, how long connections with a REQ in flight get for their answers"),
    ANALYTICS("analytics", "BOOL", "true", false,
            "follow the protocol per connection: latency by seq, in-flight REQs, violations, consumption per client"),
    MAX_OUTSTANDING_REQUESTS("max-outstanding-requests", "N", "4096", false,
            "REQs awaiting their answer tracked per connection for latency; more are counted as overflow"),
    MAX_CLIENTS_PER_BATCH("max-clients-per-batch", "N", "4096", false,
            "client addresses reported by name per telemetry batch; the rest are summed as others"),
    TELEMETRY("telemetry", "on|off", "on", false,
            "off: no backend link at all (nothing counted for it, nothing sent; SIGUSR2 prints the local figures)"),
    TRANSPORT("transport", "auto|io_uring|epoll|nio", "auto", false,
            "socket implementation of the relay; auto = io_uring where the kernel allows it, else epoll, else nio"),
    CONFIG("config", "FILE", "", false, "Java properties file with these keys (e.g. listen=:8002); flags win");

    private final String key;
    private final String paramLabel;
    private final String defaultText;
    private final boolean reloadable;
    private final String description;

    ConfigKey(String key, String paramLabel, String defaultText, boolean reloadable, String description) {
        this.key = key;
        this.paramLabel = paramLabel;
        this.defaultText = defaultText;
        this.reloadable = reloadable;
        this.description = description;
    }

    /** The name used on the command line (after the dashes) and in config files. */
    public String key() {
        return key;
    }

    public String paramLabel() {
        return paramLabel;
    }

    /** The default as shown in the help; empty when there is none. */
    public String defaultText() {
        return defaultText;
    }

    public String description() {
        return description;
    }

    /** Whether SIGHUP applies a changed value; the others are named in the log as needing a restart. */
    public boolean reloadable() {
        return reloadable;
    }

    public static Optional<ConfigKey> byKey(String key) {
        String k = key.trim().toLowerCase(Locale.ROOT);
        for (ConfigKey c : values()) {
            if (c.key.equals(k)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
