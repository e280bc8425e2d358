package io.fooproxy.frontend.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The frontend's settings, checked once at startup. Every bad value fails here with a
 * {@link ConfigException} naming its key.
 *
 * @param listen        where clients connect
 * @param forward       the upstream Foo server each client is relayed to
 * @param backend       the backend's gRPC address (telemetry target)
 * @param frontendId    this frontend's stable name in the backend's figures
 * @param flushInterval how often the telemetry publisher sends a batch
 * @param logLevel      TRACE, DEBUG, INFO, WARN or ERROR (upper case)
 * @param limits        connection limits, timeouts, line length, REQ quota, drain deadline
 * @param access        allow and deny address blocks
 * @param analytics     protocol analytics switch and bounds
 * @param configFile    the {@code -config} file, if one was given (re-read on SIGHUP)
 * @param telemetry     false ({@code telemetry=off}): no backend link at all, the relay only
 *                      feeds the local counters
 * @param transport     the relay's socket implementation ({@code auto}: io_uring, else epoll, else NIO)
 */
public record FrontendConfig(
        Endpoint listen,
        Endpoint forward,
        Endpoint backend,
        String frontendId,
        Duration flushInterval,
        String logLevel,
        Limits limits,
        AccessRules access,
        AnalyticsSettings analytics,
        Optional<Path> configFile,
        boolean telemetry,
        TransportChoice transport) {

    public static final Duration MAX_FLUSH_INTERVAL = Duration.ofSeconds(10);
    private static final int MAX_FRONTEND_ID_LENGTH = 256;
    private static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

    public FrontendConfig {
        check(listen != null, ConfigKey.LISTEN, "missing");
        check(forward != null, ConfigKey.FORWARD, "missing");
        check(forward.port() != 0, ConfigKey.FORWARD, "port 0 is not a port to connect to");
        check(backend != null, ConfigKey.BACKEND, "missing");
        check(backend.port() != 0, ConfigKey.BACKEND, "port 0 is not a port to connect to");
        check(frontendId != null && !frontendId.isBlank(), ConfigKey.FRONTEND_ID, "must not be empty");
        check(frontendId.length() <= MAX_FRONTEND_ID_LENGTH, ConfigKey.FRONTEND_ID,
                "longer than " + MAX_FRONTEND_ID_LENGTH + " characters");
        check(frontendId.chars().noneMatch(Character::isISOControl), ConfigKey.FRONTEND_ID,
                "must not contain control characters");
        check(flushInterval != null, ConfigKey.FLUSH_INTERVAL, "missing");
        check(flushInterval.toMillis() >= 1 && flushInterval.compareTo(MAX_FLUSH_INTERVAL) <= 0,
                ConfigKey.FLUSH_INTERVAL,
                Durations.format(flushInterval) + " out of range (1ms.." + Durations.format(MAX_FLUSH_INTERVAL) + ")");
        check(logLevel != null, ConfigKey.LOG_LEVEL, "missing");
        logLevel = logLevel.trim().toUpperCase(Locale.ROOT);
        check(LOG_LEVELS.contains(logLevel), ConfigKey.LOG_LEVEL,
                "'" + logLevel + "' is not one of TRACE, DEBUG, INFO, WARN, ERROR");
        requireNonNull(limits, "limits");
        requireNonNull(access, "access");
        requireNonNull(analytics, "analytics");
        requireNonNull(configFile, "configFile");
        check(transport != null, ConfigKey.TRANSPORT, "missing");
    }

    /** With the transport chosen automatically. */
    public FrontendConfig(Endpoint listen, Endpoint forward, Endpoint backend, String frontendId,
            Duration flushInterval, String logLevel, Limits limits, AccessRules access, AnalyticsSettings analytics,
            Optional<Path> configFile, boolean telemetry) {
        this(listen, forward, backend, frontendId, flushInterval, logLevel, limits, access, analytics, configFile,
                telemetry, TransportChoice.AUTO);
    }

    /** With the default analytics settings and telemetry on. */
    public FrontendConfig(Endpoint listen, Endpoint forward, Endpoint backend, String frontendId,
            Duration flushInterval, String logLevel, Limits limits, AccessRules access, Optional<Path> configFile) {
        this(listen, forward, backend, frontendId, flushInterval, logLevel, limits, access,
                AnalyticsSettings.defaults(), configFile, true, TransportChoice.AUTO);
    }

    /** Defaults for every limit and no access rules: what tests and simple callers want. */
    public FrontendConfig(Endpoint listen, Endpoint forward, Endpoint backend, String frontendId,
            Duration flushInterval, String logLevel, Optional<Path> configFile) {
        this(listen, forward, backend, frontendId, flushInterval, logLevel, Limits.defaults(), AccessRules.ALLOW_ALL,
                configFile);
    }

    private static void check(boolean ok, ConfigKey key, String reason) {
        if (!ok) {
            throw new ConfigException(key.key(), reason);
        }
    }

    /** Longest line (bytes, without the LF) the sniffer classifies. */
    public int maxLineLength() {
        return limits.maxLineLength();
    }

    /** How long an upstream connect may take. */
    public Duration connectTimeout() {
        return limits.connectTimeout();
    }

    public FrontendConfig withLimits(Limits value) {
        return new FrontendConfig(listen, forward, backend, frontendId, flushInterval, logLevel, value, access,
                analytics, configFile, telemetry, transport);
    }

    public FrontendConfig withAnalytics(AnalyticsSettings value) {
        return new FrontendConfig(listen, forward, backend, frontendId, flushInterval, logLevel, limits, access,
                value, configFile, telemetry, transport);
    }

    public FrontendConfig withAccess(AccessRules value) {
        return new FrontendConfig(listen, forward, backend, frontendId, flushInterval, logLevel, limits, value,
                analytics, configFile, telemetry, transport);
    }

    /**
     * These settings with every {@link ConfigKey#reloadable() reloadable} one taken from {@code
     * next}: what a SIGHUP puts in force. The keys that need a restart keep this config's values.
     */
    public FrontendConfig withReloadableFrom(FrontendConfig next) {
        requireNonNull(next, "next");
        return new FrontendConfig(listen, forward, backend, frontendId, flushInterval, next.logLevel, next.limits,
                next.access, analytics, configFile, telemetry, transport);
    }

    /** The settings as the command line would spell them, for logs and diffs. */
    public String valueOf(ConfigKey key) {
        return switch (key) {
            case LISTEN -> listen.toString();
            case FORWARD -> forward.toString();
            case BACKEND -> backend.toString();
            case FRONTEND_ID -> frontendId;
            case MAX_LINE_LENGTH -> Integer.toString(limits.maxLineLength());
            case CONNECT_TIMEOUT -> Durations.format(limits.connectTimeout());
            case FLUSH_INTERVAL -> Durations.format(flushInterval);
            case LOG_LEVEL -> logLevel;
            case MAX_CONNECTIONS -> Integer.toString(limits.maxConnections());
            case MAX_CONNECTIONS_PER_IP -> Integer.toString(limits.maxConnectionsPerIp());
            case CLIENT_IDLE_TIMEOUT -> Durations.format(limits.clientIdleTimeout());
            case UPSTREAM_IDLE_TIMEOUT -> Durations.format(limits.upstreamIdleTimeout());
            case REQ_RATE_PER_IP -> Integer.toString(limits.reqRatePerIp());
            case REQ_BURST_PER_IP -> Integer.toString(limits.reqBurstPerIp());
            case ALLOW -> AccessRules.format(access.allow());
            case DENY -> AccessRules.format(access.deny());
            case DRAIN_TIMEOUT -> Durations.format(limits.drainTimeout());
            case ANALYTICS -> Boolean.toString(analytics.enabled());
            case MAX_OUTSTANDING_REQUESTS -> Integer.toString(analytics.maxOutstandingRequests());
            case MAX_CLIENTS_PER_BATCH -> Integer.toString(analytics.maxClientsPerBatch());
            case TELEMETRY -> telemetry ? "on" : "off";
            case TRANSPORT -> transport.toString();
            case CONFIG -> configFile.map(Path::toString).orElse("");
        };
    }

    /** The keys whose values differ between this and {@code other}, in {@link ConfigKey} order. */
    public List<ConfigKey> changedKeys(FrontendConfig other) {
        requireNonNull(other, "other");
        List<ConfigKey> changed = new ArrayList<>();
        for (ConfigKey key : ConfigKey.values()) {
            if (!Objects.equals(valueOf(key), other.valueOf(key))) {
                changed.add(key);
            }
        }
        return changed;
    }
}
