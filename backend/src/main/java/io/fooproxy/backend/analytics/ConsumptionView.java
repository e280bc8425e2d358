package io.fooproxy.backend.analytics;

import io.fooproxy.proto.stats.v1.TopConsumers;

/** The consumption of the current cycle, for GetTopConsumers. Thread-safe. */
public interface ConsumptionView {

    /**
     * The current cycle with its {@code limit} biggest consumers by {@code order}
     * ({@code limit} 0: the configured number shown in the stats).
     */
    TopConsumers topConsumers(int limit, ConsumerOrder order);
}
