package io.fooproxy.frontend.telemetry;

import static java.util.Objects.requireNonNull;

import io.fooproxy.frontend.stats.StatsSource;
import io.fooproxy.proto.stats.v1.Stats;

/**
 * What the frontend prints on SIGUSR2: the backend's figures (which count every frontend and
 * survive restarts), asked with a short deadline; when the backend cannot answer, this
 * frontend's own figures, saying so in {@code source} and {@code backend_error}. Never hangs
 * longer than the client's deadline.
 */
public final class BackendFirstStatsSource implements StatsSource {
    private final BackendStatsClient backend;
    private final StatsSource local;

    public BackendFirstStatsSource(BackendStatsClient backend, StatsSource local) {
        this.backend = requireNonNull(backend, "backend");
        this.local = requireNonNull(local, "local");
    }

    @Override
    public Stats currentStats() {
        BackendStatsResult result = backend.fetch();
        if (result.ok()) {
            return result.stats();
        }
        return local.currentStats().toBuilder().setBackendError(result.error()).build();
    }
}
