package io.fooproxy.frontend;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Provider;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.fooproxy.frontend.analytics.AnalyticsClock;
import io.fooproxy.frontend.analytics.AnalyticsRecorder;
import io.fooproxy.frontend.config.AnalyticsSettings;
import io.fooproxy.frontend.config.FrontendConfig;
import io.fooproxy.frontend.config.LiveSettings;
import io.fooproxy.frontend.relay.FrontendServer;
import io.fooproxy.frontend.relay.Transport;
import io.fooproxy.frontend.sniff.TrafficSink;
import io.fooproxy.frontend.sniff.TrafficSinks;
import io.fooproxy.frontend.stats.LimitCounters;
import io.fooproxy.frontend.stats.LocalCounters;
import io.fooproxy.frontend.stats.StatsPrinter;
import io.fooproxy.frontend.stats.StatsSource;
import io.fooproxy.frontend.telemetry.BackendFirstStatsSource;
import io.fooproxy.frontend.telemetry.BackendLink;
import io.fooproxy.frontend.telemetry.BackendStatsClient;
import io.fooproxy.frontend.telemetry.PublisherStatsSource;
import io.fooproxy.frontend.telemetry.TelemetryAggregator;
import io.fooproxy.frontend.telemetry.TelemetryPublisher;
import io.fooproxy.frontend.telemetry.TelemetrySettings;
import io.grpc.ManagedChannel;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;

/**
 * Wires the frontend. Starts nothing: {@link FrontendMain} starts the server it gets from here.
 *
 * <p>The {@link TrafficSink} every relay and sniffer reports to ({@link #trafficSink}) feeds
 * both the local counters and the telemetry aggregator the publisher ships to the backend. The
 * figures printed on SIGUSR2 ({@link #statsSource}) are the backend's, or the local ones when
 * the backend cannot answer, either way with this frontend's publisher figures added.
 */
public final class FrontendModule extends AbstractModule {
    private final FrontendConfig config;

    public FrontendModule(FrontendConfig config) {
        this.config = requireNonNull(config, "config");
    }

    @Provides
    FrontendConfig config() {
        return config;
    }

    @Provides
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Provides
    @Singleton
    LocalCounters localCounters(Clock clock) {
        return new LocalCounters(clock);
    }

    /** Limits and access rules; SIGHUP replaces them in place. */
    @Provides
    @Singleton
    LiveSettings liveSettings(FrontendConfig config) {
        return LiveSettings.of(config);
    }

    @Provides
    @Singleton
    LimitCounters limitCounters() {
        return new LimitCounters();
    }

    @Provides
    @Singleton
    TelemetryAggregator telemetryAggregator(Clock clock) {
        return new TelemetryAggregator(clock);
    }

    /** Protocol analytics: a tracker per connection, drained by the publisher. */
    @Provides
    @Singleton
    AnalyticsRecorder analyticsRecorder(FrontendConfig config) {
        AnalyticsSettings settings = config.analytics();
        if (!config.telemetry()) {
            // nobody would drain what the trackers record: with no backend link, no analytics
            settings = new AnalyticsSettings(false, settings.maxOutstandingRequests(), settings.maxClientsPerBatch());
        }
        return new AnalyticsRecorder(settings, AnalyticsClock.SYSTEM);
    }

    @Provides
    @Singleton
    TrafficSink trafficSink(FrontendConfig config, LocalCounters localCounters, Provider<TelemetryAggregator> telemetry) {
        if (!config.telemetry()) {
            return localCounters; // telemetry=off: nothing is aggregated for a backend
        }
        return TrafficSinks.fanOut(List.of(localCounters, telemetry.get()));
    }

    /** The one channel to the backend, and the thread it and the publisher run on. */
    @Provides
    @Singleton
    BackendLink backendLink(FrontendConfig config) {
        InetSocketAddress backend = config.backend().connectAddress();
        return BackendLink.to(backend.getHostString(), backend.getPort());
    }

    @Provides
    ManagedChannel backendChannel(BackendLink link) {
        return link.channel();
    }

    @Provides
    @Singleton
    TelemetryPublisher telemetryPublisher(
            FrontendConfig config, TelemetryAggregator aggregator, AnalyticsRecorder analytics,
            BackendLink link, Clock clock) {
        TelemetrySettings settings = TelemetrySettings.defaults(config.frontendId())
                .withFlushInterval(config.flushInterval());
        return new TelemetryPublisher(settings, aggregator, analytics, link.channel(), clock, link.executor());
    }

    @Provides
    @Singleton
    StatsSource statsSource(FrontendConfig config, Provider<ManagedChannel> backend, LocalCounters localCounters,
            Provider<TelemetryPublisher> publisher) {
        if (!config.telemetry()) {
            return localCounters; // no backend link to ask: the local figures
        }
        return new PublisherStatsSource(
                new BackendFirstStatsSource(new BackendStatsClient(backend.get()), localCounters),
                publisher.get()::status);
    }

    @Provides
    @Singleton
    StatsPrinter statsPrinter(StatsSource source, LimitCounters limitCounters) {
        return new StatsPrinter(source, System.out, limitCounters); // stdout carries the stats lines and nothing else
    }

    @Provides
    @Singleton
    Transport transport(FrontendConfig config) {
        return Transport.of(config.transport());
    }

    @Provides
    @Singleton
    FrontendServer frontendServer(FrontendConfig config, LiveSettings settings, Transport transport,
            TrafficSink sink, LimitCounters limitCounters, AnalyticsRecorder analytics) {
        return new FrontendServer(config, settings, transport, sink, limitCounters, analytics);
    }
}
