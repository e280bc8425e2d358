package io.fooproxy.backend.config;

import static java.util.Objects.requireNonNull;

import io.fooproxy.backend.recovery.RecoverySettings;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The backend's settings, validated once at startup (and again on SIGHUP). Keys are the option
 * names without dashes; they are also the config file's keys.
 */
public record BackendConfig(
        ListenAddress grpc,
        ListenAddress http,
        Path recoveryPath,
        Duration persistInterval,
        LogLevel logLevel) {

    public static final String GRPC = "grpc";
    public static final String HTTP = "http";
    public static final String RECOVERY_PATH = "recovery-path";
    public static final String PERSIST_INTERVAL = "persist-interval";
    public static final String LOG_LEVEL = "log-level";

    /** Every key a config file may hold, in -help order. */
    public static final List<String> KEYS = List.of(GRPC, HTTP, RECOVERY_PATH, PERSIST_INTERVAL, LOG_LEVEL);

    /** Keys SIGHUP applies to the running process; the rest need a restart. */
    public static final Set<String> RELOADABLE_KEYS = Set.of(LOG_LEVEL);

    public static final String DEFAULT_GRPC = "127.0.0.1:9090";
    public static final String DEFAULT_HTTP = "127.0.0.1:8088";
    public static final String DEFAULT_RECOVERY_PATH = "data/recovery.json";
    public static final String DEFAULT_PERSIST_INTERVAL = "100ms";
    public static final String DEFAULT_LOG_LEVEL = "INFO";

    static final Duration MIN_PERSIST_INTERVAL = Duration.ofMillis(1);
    // recovery acknowledges batches only once durable, so it bounds how long a write may wait
    static final Duration MAX_PERSIST_INTERVAL = RecoverySettings.MAX_PERSIST_INTERVAL;

    public BackendConfig {
        requireNonNull(grpc, GRPC);
        requireNonNull(http, HTTP);
        requireNonNull(recoveryPath, RECOVERY_PATH);
        requireNonNull(persistInterval, PERSIST_INTERVAL);
        requireNonNull(logLevel, LOG_LEVEL);
        if (grpc.port() != 0 && grpc.port() == http.port() && overlaps(grpc.host(), http.host())) {
            throw new ConfigException(HTTP, "same address as grpc (" + grpc + ")");
        }
        if (recoveryPath.toString().isEmpty()) {
            throw new ConfigException(RECOVERY_PATH, "must not be empty");
        }
        if (Files.isDirectory(recoveryPath)) {
            throw new ConfigException(RECOVERY_PATH, recoveryPath + " is a directory, expected a file path");
        }
        if (persistInterval.compareTo(MIN_PERSIST_INTERVAL) < 0 || persistInterval.compareTo(MAX_PERSIST_INTERVAL) > 0) {
            throw new ConfigException(PERSIST_INTERVAL, Durations.format(persistInterval)
                    + " out of range [" + Durations.format(MIN_PERSIST_INTERVAL) + ", " + Durations.format(MAX_PERSIST_INTERVAL) + "]");
        }
    }

    /**
     * Parses and validates the values of {@code settings} (key to text); missing keys take their
     * defaults. Errors name the key.
     */
    public static BackendConfig fromSettings(Map<String, String> settings) {
        requireNonNull(settings, "settings");
        for (String key : settings.keySet()) {
            if (!KEYS.contains(key)) {
                throw new ConfigException(key, "unknown key");
            }
        }
        return new BackendConfig(
                ListenAddress.parse(GRPC, settings.getOrDefault(GRPC, DEFAULT_GRPC)),
                ListenAddress.parse(HTTP, settings.getOrDefault(HTTP, DEFAULT_HTTP)),
                path(RECOVERY_PATH, settings.getOrDefault(RECOVERY_PATH, DEFAULT_RECOVERY_PATH)),
                Durations.parse(PERSIST_INTERVAL, settings.getOrDefault(PERSIST_INTERVAL, DEFAULT_PERSIST_INTERVAL)),
                LogLevel.parse(LOG_LEVEL, settings.getOrDefault(LOG_LEVEL, DEFAULT_LOG_LEVEL)));
    }

    /** The keys whose values differ between this config and {@code other}, in {@link #KEYS} order. */
    public List<String> changedKeys(BackendConfig other) {
        requireNonNull(other, "other");
        List<String> changed = new ArrayList<>();
        if (!grpc.equals(other.grpc)) {
            changed.add(GRPC);
        }
        if (!http.equals(other.http)) {
            changed.add(HTTP);
        }
        if (!recoveryPath.equals(other.recoveryPath)) {
            changed.add(RECOVERY_PATH);
        }
        if (!persistInterval.equals(other.persistInterval)) {
            changed.add(PERSIST_INTERVAL);
        }
        if (logLevel != other.logLevel) {
            changed.add(LOG_LEVEL);
        }
        return changed;
    }

    private static Path path(String key, String text) {
        try {
            return Path.of(text.strip());
        } catch (InvalidPathException e) {
            throw new ConfigException(key, "invalid path '" + text + "'");
        }
    }

    private static boolean overlaps(String a, String b) {
        // the wildcard address takes the port on every interface
        return a.isEmpty() || b.isEmpty() || a.equalsIgnoreCase(b);
    }
}
