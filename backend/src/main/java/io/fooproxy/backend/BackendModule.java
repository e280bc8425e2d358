package io.fooproxy.backend;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.name.Named;
import io.fooproxy.backend.config.BackendConfig;
import io.fooproxy.backend.grpc.BackendGrpcServer;
import io.fooproxy.backend.grpc.GrpcHealthPublisher;
import io.fooproxy.backend.grpc.StatsServiceImpl;
import io.fooproxy.backend.http.HttpReportingServer;
import io.fooproxy.backend.http.StatusInfo;
import io.fooproxy.backend.ingest.TelemetryIngestService;
import io.fooproxy.backend.metrics.PrometheusMetrics;
import io.fooproxy.backend.recovery.RecoveryManager;
import io.fooproxy.backend.recovery.RecoverySettings;
import io.fooproxy.backend.stats.StatsAggregator;
import io.fooproxy.backend.stats.StatsView;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Wires the backend. Builds objects only; nothing starts here (see {@link Backend#start()}). */
public final class BackendModule extends AbstractModule {
    static final Duration HEALTH_PUBLISH_PERIOD = Duration.ofMillis(500);

    private final BackendConfig config;
    private final PrintStream stdout;
    private final Clock clock;

    /** {@code stdout} receives the SIGUSR2 stats lines. */
    public BackendModule(BackendConfig config, PrintStream stdout, Clock clock) {
        this.config = requireNonNull(config, "config");
        this.stdout = requireNonNull(stdout, "stdout");
        this.clock = requireNonNull(clock, "clock");
    }

    public BackendModule(BackendConfig config, PrintStream stdout) {
        this(config, stdout, Clock.systemUTC());
    }

    @Provides
    BackendConfig config() {
        return config;
    }

    @Provides
    Clock clock() {
        return clock;
    }

    @Provides
    @Singleton
    StatsAggregator aggregator(BackendConfig config, Clock clock) {
        return new StatsAggregator(clock, config.analytics());
    }

    @Provides
    StatsView statsView(StatsAggregator aggregator) {
        return aggregator;
    }

    @Provides
    @Singleton
    RecoveryManager recovery(BackendConfig config, StatsAggregator aggregator, Clock clock) {
        return new RecoveryManager(new RecoverySettings(config.recoveryPath(), config.persistInterval()), aggregator, clock);
    }

    @Provides
    @Singleton
    TelemetryIngestService ingest(StatsAggregator aggregator, RecoveryManager recovery) {
        return new TelemetryIngestService(aggregator, recovery);
    }

    /** Watch ticks and health publishing: short tasks only. */
    @Provides
    @Singleton
    ScheduledExecutorService scheduler() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "backend-timer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Provides
    @Singleton
    @Named("grpc")
    ListenerHealth grpcListener() {
        return new ListenerHealth("grpc");
    }

    @Provides
    @Singleton
    @Named("http")
    ListenerHealth httpListener() {
        return new ListenerHealth("http");
    }

    @Provides
    @Singleton
    BackendHealth health(RecoveryManager recovery, TelemetryIngestService ingest,
            @Named("grpc") ListenerHealth grpc, @Named("http") ListenerHealth http) {
        return new BackendHealth(List.of(recovery.healthComponent(), ingest.frontendsHealthComponent(), grpc, http));
    }

    @Provides
    @Singleton
    HealthStatusManager healthStatusManager() {
        return new HealthStatusManager();
    }

    @Provides
    @Singleton
    GrpcHealthPublisher grpcHealthPublisher(HealthStatusManager manager, BackendHealth health,
            ScheduledExecutorService scheduler) {
        return new GrpcHealthPublisher(manager, health, scheduler, HEALTH_PUBLISH_PERIOD);
    }

    @Provides
    @Singleton
    StatsServiceImpl statsService(StatsAggregator aggregator, ScheduledExecutorService scheduler) {
        return new StatsServiceImpl(aggregator, aggregator, scheduler);
    }

    @Provides
    @Singleton
    BackendGrpcServer grpcServer(BackendConfig config, StatsServiceImpl stats, TelemetryIngestService ingest,
            HealthStatusManager health, @Named("grpc") ListenerHealth listener) {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(config.grpc().toSocketAddress())
                // frontends keep one long-lived stream and may ping it; do not GOAWAY them for that
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                // The handlers never block for long (a batch is applied under the aggregator's
                // lock in microseconds; acknowledgements go out from the persister), so they run
                // on gRPC's event loop: no hand-off to an executor thread and back per message.
                .directExecutor();
        return new BackendGrpcServer(builder, List.of(stats, ingest), health, listener);
    }

    @Provides
    @Singleton
    PrometheusMetrics metrics(StatsView stats) {
        return new PrometheusMetrics(stats);
    }

    @Provides
    @Singleton
    StatusInfo statusInfo(@Named("grpc") ListenerHealth grpc, @Named("http") ListenerHealth http) {
        return new StatusInfo(BackendVersion.get(), List.of(grpc, http));
    }

    @Provides
    @Singleton
    HttpReportingServer httpServer(BackendConfig config, StatsView stats, BackendHealth health,
            PrometheusMetrics metrics, StatusInfo info, @Named("http") ListenerHealth listener) {
        return new HttpReportingServer(config.http().toSocketAddress(), stats, health, metrics, info, listener);
    }

    @Provides
    @Singleton
    StatsPrinter statsPrinter(StatsView stats) {
        return new StatsPrinter(stats, stdout);
    }

    @Provides
    @Singleton
    Backend backend(BackendConfig config, RecoveryManager recovery, BackendGrpcServer grpc,
            GrpcHealthPublisher grpcHealth, StatsServiceImpl statsService,
            TelemetryIngestService ingest, HttpReportingServer http, BackendHealth health,
            ScheduledExecutorService scheduler, @Named("grpc") ListenerHealth grpcListener,
            @Named("http") ListenerHealth httpListener) {
        return new Backend(config, recovery, grpc, grpcHealth, statsService, ingest, http, health,
                scheduler, grpcListener, httpListener);
    }
}
