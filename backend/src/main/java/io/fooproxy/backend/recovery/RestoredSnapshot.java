package io.fooproxy.backend.recovery;

import static java.util.Objects.requireNonNull;

import io.fooproxy.backend.stats.FrontendFigures;
import io.fooproxy.backend.stats.WindowBucket;
import io.fooproxy.proto.telemetry.v1.Counters;
import java.util.List;

/**
 * A recovery file, read and checked.
 *
 * @param window every saved window bucket (the {@link RecoveryRule} decides which still count)
 */
public record RestoredSnapshot(
        long savedAtUnixMillis,
        Counters totals,
        List<FrontendFigures> frontends,
        List<WindowBucket> window) {

    public RestoredSnapshot {
        requireNonNull(totals, "totals");
        frontends = List.copyOf(frontends);
        window = List.copyOf(window);
    }
}
