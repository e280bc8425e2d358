package io.fooproxy.backend.recovery;

import static java.util.Objects.requireNonNull;

import io.fooproxy.backend.stats.FrontendFigures;
import io.fooproxy.backend.stats.WindowBucket;
import io.fooproxy.proto.recovery.v1.ConsumptionRecord;
import io.fooproxy.proto.telemetry.v1.Counters;
import java.util.List;

/**
 * A recovery file, read and checked.
 *
 * @param window every saved window bucket (the {@link RecoveryRule} decides which still count)
 * @param consumption the saved consumption cycle (the default instance in older files)
 */
public record RestoredSnapshot(
        long savedAtUnixMillis,
        Counters totals,
        List<FrontendFigures> frontends,
        List<WindowBucket> window,
        ConsumptionRecord consumption) {

    public RestoredSnapshot {
        requireNonNull(totals, "totals");
        requireNonNull(consumption, "consumption");
        frontends = List.copyOf(frontends);
        window = List.copyOf(window);
    }
}
