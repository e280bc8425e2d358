package io.fooproxy.frontend.config;

import java.util.Locale;
import java.util.Optional;

/**
 * Every setting of the frontend: its name (the option without dashes, and the key in a
 * {@code -config} properties file), its default and its help text. One table feeds the
 * command-line parser, the help, the config-file reader and the reload diff.
 */
public enum ConfigKey {
    LISTEN("listen", "ADDR", ":8002", "address to accept clients on (:port, host:port, [::1]:port)"),
    FORWARD("forward", "ADDR", "localhost:8001", "upstream Foo server to relay each client to"),
    BACKEND("backend", "ADDR", "127.0.0.1:9090", "gRPC address of the backend that receives telemetry"),
    FRONTEND_ID("frontend-id", "ID", "<hostname>:<listen port>", "stable name of this frontend in the backend's figures"),
    MAX_LINE_LENGTH("max-line-length", "BYTES", "65536",
            "longest line the sniffer classifies; longer lines are counted as oversized"),
    CONNECT_TIMEOUT("connect-timeout", "DURATION", "5s", "how long to wait for the upstream connection"),
    FLUSH_INTERVAL("flush-interval", "DURATION", "50ms", "how often telemetry is sent to the backend"),
    LOG_LEVEL("log-level", "LEVEL", "INFO", "TRACE, DEBUG, INFO, WARN or ERROR (reloaded on SIGHUP)"),
    CONFIG("config", "FILE", "", "Java properties file with these keys (e.g. listen=:8002); flags win");

    private final String key;
    private final String paramLabel;
    private final String defaultText;
    private final String description;

    ConfigKey(String key, String paramLabel, String defaultText, String description) {
        this.key = key;
        this.paramLabel = paramLabel;
        this.defaultText = defaultText;
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
