package io.fooproxy.backend.stats;

/** What {@link StatsAggregator#apply} did with a batch. */
public enum ApplyOutcome {
    /** Counted, exactly once. */
    APPLIED,
    /** Its sequence was already applied for that frontend and incarnation: not counted again. */
    DUPLICATE,
    /** A new frontend_id beyond {@link StatsAggregator#MAX_FRONTENDS}: not counted. */
    REJECTED_TOO_MANY_FRONTENDS
}
