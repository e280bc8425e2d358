package io.fooproxy.backend.config;

import static java.util.Objects.requireNonNull;

import io.fooproxy.backend.analytics.AnalyticsSettings;
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
        LogLevel logLevel,
        Duration consumptionCycle,
        int maxTrackedClients,
        int topConsumers) {

    public static final String GRPC = "grpc";
    public static final String HTTP = "http";
    public static final String RECOVERY_PATH = "recovery-path";
    public static final String PERSIST_INTERVAL = "persist-interval";
    public static final String LOG_LEVEL = "log-level";
    public static final String CONSUMPTION_CYCLE = "consumption-cycle";
    public static final String MAX_TRACKED_CLIENTS = "max-tracked-clients";
    public static final String TOP_CONSUMERS = "top-consumers";

    /** Every key a config file may hold, in -help order. */
    public static final List<String> KEYS = List.of(GRPC, HTTP, RECOVERY_PATH, PERSIST_INTERVAL, LOG_LEVEL,
            CONSUMPTION_CYCLE, MAX_TRACKED_CLIENTS, TOP_CONSUMERS);

    /** Keys SIGHUP applies to the running process; the rest need a restart. */
    public static final Set<String> RELOADABLE_KEYS = Set.of(LOG_LEVEL);

    public static final String DEFAULT_GRPC = "127.0.0.1:9090";
    public static final String DEFAULT_HTTP = "127.0.0.1:8088";
    public static final String DEFAULT_RECOVERY_PATH = "data/recovery.json";
    public static final String DEFAULT_PERSIST_INTERVAL = "250ms";
    public static final String DEFAULT_LOG_LEVEL = "INFO";
    public static final String DEFAULT_CONSUMPTION_CYCLE = "1d";
    public static final String DEFAULT_MAX_TRACKED_CLIENTS = "1000";
    public static final String DEFAULT_TOP_CONSUMERS = "10";

    static final Duration MIN_CONSUMPTION_CYCLE = Duration.ofSeconds(10); // short cycles serve tests and demos
    static final Duration MAX_CONSUMPTION_CYCLE = Duration.ofDays(366);
    /**
     * The table is recovery data, rewritten with every persist: about 100 bytes per tracked client
     * in the file (10 MB at this limit), so keep it well below unless writes are rare.
     */
    static final int MAX_MAX_TRACKED_CLIENTS = 100_000;
    static final int MAX_TOP_CONSUMERS = 1000;

    static final Duration MIN_PERSIST_INTERVAL = Duration.ofMillis(1);
    // recovery acknowledges batches only once durable, so it bounds how long a write may wait
    static final Duration MAX_PERSIST_INTERVAL = RecoverySettings.MAX_PERSIST_INTERVAL;

    public BackendConfig {
        requireNonNull(grpc, GRPC);
        requireNonNull(http, HTTP);
        requireNonNull(recoveryPath, RECOVERY_PATH);
        requireNonNull(persistInterval, PERSIST_INTERVAL);
        requireNonNull(logLevel, LOG_LEVEL);
        requireNonNull(consumptionCycle, CONSUMPTION_CYCLE);
        if (consumptionCycle.compareTo(MIN_CONSUMPTION_CYCLE) < 0 || consumptionCycle.compareTo(MAX_CONSUMPTION_CYCLE) > 0) {
            throw new ConfigException(CONSUMPTION_CYCLE, Durations.format(consumptionCycle) + " out of range ["
                    + Durations.format(MIN_CONSUMPTION_CYCLE) + ", " + Durations.format(MAX_CONSUMPTION_CYCLE) + "]");
        }
        if (consumptionCycle.toNanos() % 1_000_000_000L != 0) {
            throw new ConfigException(CONSUMPTION_CYCLE, Durations.format(consumptionCycle) + " is not a whole number of seconds");
        }
        if (maxTrackedClients < 1 || maxTrackedClients > MAX_MAX_TRACKED_CLIENTS) {
            throw new ConfigException(MAX_TRACKED_CLIENTS, maxTrackedClients + " out of range [1, " + MAX_MAX_TRACKED_CLIENTS + "]");
        }
        if (topConsumers < 1 || topConsumers > MAX_TOP_CONSUMERS) {
            throw new ConfigException(TOP_CONSUMERS, topConsumers + " out of range [1, " + MAX_TOP_CONSUMERS + "]");
        }
        if (topConsumers > maxTrackedClients) {
            throw new ConfigException(TOP_CONSUMERS, topConsumers + " is more than " + MAX_TRACKED_CLIENTS + " ("
                    + maxTrackedClients + ")");
        }
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
                LogLevel.parse(LOG_LEVEL, settings.getOrDefault(LOG_LEVEL, DEFAULT_LOG_LEVEL)),
                Durations.parse(CONSUMPTION_CYCLE, settings.getOrDefault(CONSUMPTION_CYCLE, DEFAULT_CONSUMPTION_CYCLE)),
                integer(MAX_TRACKED_CLIENTS, settings.getOrDefault(MAX_TRACKED_CLIENTS, DEFAULT_MAX_TRACKED_CLIENTS)),
                integer(TOP_CONSUMERS, settings.getOrDefault(TOP_CONSUMERS, DEFAULT_TOP_CONSUMERS)));
    }

    /** The analytics part of the settings. */
    public AnalyticsSettings analytics() {
        return new AnalyticsSettings(consumptionCycle, maxTrackedClients, topConsumers);
    }

    private static int integer(String key, String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "expected a whole number, got '" + text + "'");
        }
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
        if (!consumptionCycle.equals(other.consumptionCycle)) {
            changed.add(CONSUMPTION_CYCLE);
        }
        if (maxTrackedClients != other.maxTrackedClients) {
            changed.add(MAX_TRACKED_CLIENTS);
        }
        if (topConsumers != other.topConsumers) {
            changed.add(TOP_CONSUMERS);
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
