package io.fooproxy.backend.analytics;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The backend's analytics settings.
 *
 * @param consumptionCycle length of a consumption cycle; cycles start on multiples of it since
 *     the unix epoch (1d resets at 00:00 UTC); whole seconds, at least one
 * @param maxTrackedClients the top-K table's size (K)
 * @param topConsumers how many consumers the stats show (at most K)
 */
public record AnalyticsSettings(Duration consumptionCycle, int maxTrackedClients, int topConsumers) {

    public static final AnalyticsSettings DEFAULTS = new AnalyticsSettings(Duration.ofDays(1), 1000, 10);

    public AnalyticsSettings {
        requireNonNull(consumptionCycle, "consumptionCycle");
        if (consumptionCycle.compareTo(Duration.ofSeconds(1)) < 0 || consumptionCycle.toNanos() % 1_000_000_000L != 0) {
            throw new IllegalArgumentException("consumptionCycle must be whole seconds, at least 1s");
        }
        if (maxTrackedClients < 1) {
            throw new IllegalArgumentException("maxTrackedClients must be at least 1");
        }
        if (topConsumers < 1 || topConsumers > maxTrackedClients) {
            throw new IllegalArgumentException("topConsumers must be in [1, maxTrackedClients]");
        }
    }
}
