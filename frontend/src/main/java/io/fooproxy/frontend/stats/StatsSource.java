package io.fooproxy.frontend.stats;

import io.fooproxy.proto.stats.v1.Stats;

/**
 * Where the figures printed on SIGUSR2 come from. The frontend's own counts today ({@link
 * LocalCounters}); a source that asks the backend (falling back to the local counts) can
 * replace it without the printer knowing.
 */
public interface StatsSource {

    /** The figures as of now. Must not block for long: it runs on the signal thread. */
    Stats currentStats();
}
