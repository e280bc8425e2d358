package io.fooproxy.frontend.config;

/**
 * Protocol analytics (latency by seq, in-flight REQs, violations, consumption per client), fixed
 * at startup.
 *
 * @param enabled                whether the frontend follows the protocol per connection at all;
 *                               off, the relay and the stats contract work as before and batches
 *                               carry no analytics
 * @param maxOutstandingRequests REQs awaiting their answer tracked per connection; more are
 *                               counted as {@code outstanding_overflow} and not tracked (memory per
 *                               connection stays bounded)
 * @param maxClientsPerBatch     client addresses reported by name in one telemetry batch; the
 *                               others are summed into one "others" entry
 */
public record AnalyticsSettings(boolean enabled, int maxOutstandingRequests, int maxClientsPerBatch) {

    public static final int DEFAULT_MAX_OUTSTANDING_REQUESTS = 4096;
    public static final int DEFAULT_MAX_CLIENTS_PER_BATCH = 4096;
    /** 1 Mi entries of 16 bytes: 16 MiB for one connection is already a lot. */
    public static final int MAX_MAX_OUTSTANDING_REQUESTS = 1 << 20;
    public static final int MAX_MAX_CLIENTS_PER_BATCH = 1 << 20;

    public AnalyticsSettings {
        range(maxOutstandingRequests, MAX_MAX_OUTSTANDING_REQUESTS, ConfigKey.MAX_OUTSTANDING_REQUESTS);
        range(maxClientsPerBatch, MAX_MAX_CLIENTS_PER_BATCH, ConfigKey.MAX_CLIENTS_PER_BATCH);
    }

    /** The defaults of {@link ConfigKey}: on, 4096 outstanding REQs, 4096 clients per batch. */
    public static AnalyticsSettings defaults() {
        return new AnalyticsSettings(true, DEFAULT_MAX_OUTSTANDING_REQUESTS, DEFAULT_MAX_CLIENTS_PER_BATCH);
    }

    /** Parses {@code true}/{@code false} (also on/off, yes/no) for {@link ConfigKey#ANALYTICS}. */
    public static boolean parseSwitch(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (t) {
            case "true", "on", "yes" -> true;
            case "false", "off", "no" -> false;
            default -> throw new ConfigException(ConfigKey.ANALYTICS.key(), "'" + text + "' is not true or false");
        };
    }

    private static void range(int value, int max, ConfigKey key) {
        if (value < 1 || value > max) {
            throw new ConfigException(key.key(), value + " out of range (1.." + max + ")");
        }
    }
}
