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
 * @param listen         where clients connect
 * @param forward        the upstream Foo server each client is relayed to
 * @param backend        the backend's gRPC address (telemetry target)
 * @param frontendId     this frontend's stable name in the backend's figures
 * @param maxLineLength  longest line (bytes, without the LF) the sniffer classifies
 * @param connectTimeout how long an upstream connect may take
 * @param flushInterval  how often the telemetry publisher sends a batch
 * @param logLevel       TRACE, DEBUG, INFO, WARN or ERROR (upper case)
 * @param configFile     the {@code -config} file, if one was given (re-read on SIGHUP)
 */
public record FrontendConfig(
        Endpoint listen,
        Endpoint forward,
        Endpoint backend,
        String frontendId,
        int maxLineLength,
        Duration connectTimeout,
        Duration flushInterval,
        String logLevel,
        Optional<Path> configFile) {

    public static final int MAX_MAX_LINE_LENGTH = 1 << 30;
    public static final Duration MAX_CONNECT_TIMEOUT = Duration.ofMinutes(10);
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
        check(maxLineLength >= 1 && maxLineLength <= MAX_MAX_LINE_LENGTH, ConfigKey.MAX_LINE_LENGTH,
                maxLineLength + " out of range (1.." + MAX_MAX_LINE_LENGTH + ")");
        check(connectTimeout != null, ConfigKey.CONNECT_TIMEOUT, "missing");
        // whole milliseconds: that is what the socket option takes, and 0 would mean "no timeout"
        check(connectTimeout.toMillis() >= 1 && connectTimeout.compareTo(MAX_CONNECT_TIMEOUT) <= 0,
                ConfigKey.CONNECT_TIMEOUT,
                Durations.format(connectTimeout) + " out of range (1ms.." + Durations.format(MAX_CONNECT_TIMEOUT) + ")");
        check(flushInterval != null, ConfigKey.FLUSH_INTERVAL, "missing");
        check(flushInterval.toMillis() >= 1 && flushInterval.compareTo(MAX_FLUSH_INTERVAL) <= 0,
                ConfigKey.FLUSH_INTERVAL,
                Durations.format(flushInterval) + " out of range (1ms.." + Durations.format(MAX_FLUSH_INTERVAL) + ")");
        check(logLevel != null, ConfigKey.LOG_LEVEL, "missing");
        logLevel = logLevel.trim().toUpperCase(Locale.ROOT);
        check(LOG_LEVELS.contains(logLevel), ConfigKey.LOG_LEVEL,
                "'" + logLevel + "' is not one of TRACE, DEBUG, INFO, WARN, ERROR");
        requireNonNull(configFile, "configFile");
    }

    private static void check(boolean ok, ConfigKey key, String reason) {
        if (!ok) {
            throw new ConfigException(key.key(), reason);
        }
    }

    /** The settings as the command line would spell them, for logs and diffs. */
    public String valueOf(ConfigKey key) {
        return switch (key) {
            case LISTEN -> listen.toString();
            case FORWARD -> forward.toString();
            case BACKEND -> backend.toString();
            case FRONTEND_ID -> frontendId;
            case MAX_LINE_LENGTH -> Integer.toString(maxLineLength);
            case CONNECT_TIMEOUT -> Durations.format(connectTimeout);
            case FLUSH_INTERVAL -> Durations.format(flushInterval);
            case LOG_LEVEL -> logLevel;
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
