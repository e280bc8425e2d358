package io.fooproxy.backend.stats;

import io.fooproxy.proto.stats.v1.Stats;

/** A read-only view of the backend's statistics, for every reporting surface. Thread-safe. */
public interface StatsView {

    /** The figures as of now: totals, moving windows, extras and per-frontend entries. */
    Stats snapshot();
}
