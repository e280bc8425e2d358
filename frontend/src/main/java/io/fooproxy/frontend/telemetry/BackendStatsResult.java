package io.fooproxy.frontend.telemetry;

import io.fooproxy.proto.stats.v1.Stats;
import java.util.Optional;

/**
 * The backend's statistics, or why they could not be had: exactly one of {@code stats} and
 * {@code error} is non-null.
 */
public record BackendStatsResult(Stats stats, String error) {

    public BackendStatsResult {
        if ((stats == null) == (error == null)) {
            throw new IllegalArgumentException("exactly one of stats and error must be set");
        }
    }

    public static BackendStatsResult success(Stats stats) {
        return new BackendStatsResult(stats, null);
    }

    public static BackendStatsResult failure(String error) {
        return new BackendStatsResult(null, error);
    }

    public boolean ok() {
        return stats != null;
    }

    public Optional<Stats> asOptional() {
        return Optional.ofNullable(stats);
    }
}
