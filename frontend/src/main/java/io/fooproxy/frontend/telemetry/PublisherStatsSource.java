package io.fooproxy.frontend.telemetry;

import static java.util.Objects.requireNonNull;

import io.fooproxy.frontend.stats.StatsSource;
import io.fooproxy.proto.stats.v1.Stats;
import java.util.function.Supplier;

/**
 * Adds this frontend's side of the telemetry link ({@code publisher}) to whatever figures the
 * wrapped source gives: the backend's or the local ones. The publisher's figures are what an
 * operator needs most exactly when the backend is unreachable, so they are never left out.
 */
public final class PublisherStatsSource implements StatsSource {
    private final StatsSource figures;
    private final Supplier<PublisherStatus> publisher;

    /**
     * @param figures the stats to print
     * @param publisher the publisher's current status, e.g. {@code telemetryPublisher::status}
     *     (cheap and callable from any thread)
     */
    public PublisherStatsSource(StatsSource figures, Supplier<PublisherStatus> publisher) {
        this.figures = requireNonNull(figures, "figures");
        this.publisher = requireNonNull(publisher, "publisher");
    }

    @Override
    public Stats currentStats() {
        // the figures first: fetching them may take up to the backend's deadline, and the
        // publisher's status should be as of the moment the line is printed
        Stats stats = figures.currentStats();
        return stats.toBuilder().setPublisher(publisher.get().toProto()).build();
    }
}
