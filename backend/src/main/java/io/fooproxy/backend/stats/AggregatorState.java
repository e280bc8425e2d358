package io.fooproxy.backend.stats;

import static java.util.Objects.requireNonNull;

import io.fooproxy.proto.recovery.v1.ConsumptionRecord;
import io.fooproxy.proto.telemetry.v1.Counters;
import java.util.List;

/**
 * One consistent copy of the aggregator's durable state, taken under the same lock that applies
 * batches: the totals are exactly those of the batches the de-duplication state says were applied.
 *
 * @param version the aggregator's change counter when the copy was taken; a later copy of an
 *     unchanged aggregator has the same version
 * @param takenAtUnixMillis the aggregator's clock when the copy was taken
 * @param totals the sum of every frontend's totals
 * @param frontends one entry per frontend ever heard from, sorted by id
 * @param window the non-empty window buckets of the last 10 s, oldest first (held as {@link
 *     WindowColumns})
 * @param consumption the consumption cycle and its top-K table
 */
public record AggregatorState(
        long version,
        long takenAtUnixMillis,
        Counters totals,
        List<FrontendFigures> frontends,
        List<WindowBucket> window,
        ConsumptionRecord consumption) {

    /** A state without consumption data. */
    public AggregatorState(long version, long takenAtUnixMillis, Counters totals,
            List<FrontendFigures> frontends, List<WindowBucket> window) {
        this(version, takenAtUnixMillis, totals, frontends, window,
                ConsumptionRecord.getDefaultInstance());
    }

    public AggregatorState {
        requireNonNull(totals, "totals");
        requireNonNull(consumption, "consumption");
        frontends = List.copyOf(frontends);
        window = WindowColumns.of(window); // as columns: see WindowColumns
    }
}
