package io.fooproxy.backend.stats;

import static java.util.Objects.requireNonNull;

import io.fooproxy.proto.recovery.v1.AnalyticsRecord;
import io.fooproxy.proto.telemetry.v1.Counters;
import io.fooproxy.proto.telemetry.v1.FrontendState;

/**
 * Everything the backend keeps about one frontend that must survive a restart: its totals, its
 * de-duplication state (incarnation and last applied sequence) and its bookkeeping.
 *
 * @param totals everything applied from this frontend, all incarnations together
 * @param incarnation the incarnation last applied
 * @param lastAppliedSequence the highest sequence applied for {@code incarnation} (0: none)
 * @param lastSeenUnixMillis when the last batch arrived (backend clock)
 * @param lastState the frontend's gauges as of its last applied batch
 * @param analytics its protocol analytics since the numbers began
 */
public record FrontendFigures(
        String frontendId,
        Counters totals,
        long incarnation,
        long lastAppliedSequence,
        long batchesApplied,
        long batchesDuplicate,
        long lastSeenUnixMillis,
        FrontendState lastState,
        AnalyticsRecord analytics) {

    /** Figures without analytics (as a file written before they existed holds). */
    public FrontendFigures(String frontendId, Counters totals, long incarnation,
            long lastAppliedSequence, long batchesApplied, long batchesDuplicate,
            long lastSeenUnixMillis, FrontendState lastState) {
        this(frontendId, totals, incarnation, lastAppliedSequence, batchesApplied,
                batchesDuplicate, lastSeenUnixMillis, lastState,
                AnalyticsRecord.getDefaultInstance());
    }

    public FrontendFigures {
        requireNonNull(frontendId, "frontendId");
        requireNonNull(analytics, "analytics");
        requireNonNull(totals, "totals");
        requireNonNull(lastState, "lastState");
        if (frontendId.isEmpty()) {
            throw new IllegalArgumentException("frontendId must not be empty");
        }
    }
}
