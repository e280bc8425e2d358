package io.fooproxy.backend;

import static java.util.Objects.requireNonNull;

import io.fooproxy.backend.config.BackendConfig;
import io.fooproxy.backend.config.Durations;
import io.fooproxy.backend.config.ListenAddress;
import io.fooproxy.backend.grpc.BackendGrpcServer;
import io.fooproxy.backend.grpc.GrpcHealthPublisher;
import io.fooproxy.backend.grpc.StatsServiceImpl;
import io.fooproxy.backend.http.HttpReportingServer;
import io.fooproxy.backend.ingest.TelemetryIngestService;
import io.fooproxy.backend.recovery.RecoveryManager;
import java.io.IOException;
import java.net.BindException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend's lifecycle, in the one order that keeps the numbers safe: restore recovery
 * data before anything can be served, persist from then on, then open gRPC and HTTP. Stopping
 * goes the other way and ends with the final persist.
 *
 * <p>On stop the telemetry streams are ended first, while the recovery writer still runs: every
 * batch applied gets its acknowledgement once durable, the rest is resent by the frontends to
 * the next incarnation. Nothing is acknowledged that the final persist would not hold, and
 * nothing applied is lost (it is in the final persist, and a resend of it is a duplicate).
 */
public final class Backend {
    private static final Logger log = LoggerFactory.getLogger(Backend.class);

    /**
     * How long the telemetry streams get to have their last batches acknowledged: a durability
     * wait takes at most the persist interval (at most 1 s).
     */
    static final Duration INGEST_DRAIN = Duration.ofSeconds(3);
    /** How long the gRPC calls still open after that get before they are cancelled. */
    static final Duration GRPC_GRACE = Duration.ofSeconds(2);

    private final BackendConfig config;
    private final RecoveryManager recovery;
    private final BackendGrpcServer grpc;
    private final GrpcHealthPublisher grpcHealth;
    private final StatsServiceImpl statsService;
    private final TelemetryIngestService ingest;
    private final HttpReportingServer http;
    private final BackendHealth health;
    private final ScheduledExecutorService scheduler;
    private final ListenerHealth grpcListener;
    private final ListenerHealth httpListener;
    private boolean started; // guarded by this
    private boolean stopped; // guarded by this
    private boolean serving; // guarded by this; start() completed

    public Backend(BackendConfig config, RecoveryManager recovery, BackendGrpcServer grpc,
            GrpcHealthPublisher grpcHealth, StatsServiceImpl statsService,
            TelemetryIngestService ingest, HttpReportingServer http, BackendHealth health,
            ScheduledExecutorService scheduler, ListenerHealth grpcListener,
            ListenerHealth httpListener) {
        this.config = requireNonNull(config, "config");
        this.recovery = requireNonNull(recovery, "recovery");
        this.grpc = requireNonNull(grpc, "grpc");
        this.grpcHealth = requireNonNull(grpcHealth, "grpcHealth");
        this.statsService = requireNonNull(statsService, "statsService");
        this.ingest = requireNonNull(ingest, "ingest");
        this.http = requireNonNull(http, "http");
        this.health = requireNonNull(health, "health");
        this.scheduler = requireNonNull(scheduler, "scheduler");
        this.grpcListener = requireNonNull(grpcListener, "grpcListener");
        this.httpListener = requireNonNull(httpListener, "httpListener");
    }

    /** Restores, starts persisting, opens gRPC then HTTP. On failure call {@link #stop()}. */
    public synchronized void start() throws StartupException {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        checkFree(BackendConfig.GRPC, config.grpc());
        checkFree(BackendConfig.HTTP, config.http());
        recovery.restore();
        recovery.start();
        try {
            grpc.start();
        } catch (IOException e) {
            throw new StartupException(bindError(BackendConfig.GRPC, config.grpc().toString(), e), e);
        }
        grpcHealth.start();
        try {
            http.start();
        } catch (IOException e) {
            throw new StartupException(bindError(BackendConfig.HTTP, config.http().toString(), e), e);
        }
        grpcHealth.publish();
        serving = true;
        log.info("foo-proxy backend {} started: grpc {}, http {}, recovery {} (persist every {})",
                BackendVersion.get(), grpcAddress(), httpAddress(), config.recoveryPath(),
                Durations.format(config.persistInterval()));
    }

    /** Where gRPC listens (the real port once started). */
    public String grpcAddress() {
        return grpcListener.address().orElse(config.grpc().toString());
    }

    /** Where HTTP listens (the real port once started). */
    public String httpAddress() {
        return httpListener.address().orElse(config.http().toString());
    }

    /**
     * Reports NOT_SERVING, ends the watch streams and the telemetry streams (after their last
     * acknowledgements), stops gRPC and HTTP and persists one last time. Idempotent; safe after
     * a failed start.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        health.markShuttingDown();
        grpcHealth.shutdown();
        statsService.completeAll();
        if (!ingest.shutdown(INGEST_DRAIN)) {
            log.warn("telemetry streams still waiting for durability after {} ms; cancelling them",
                    INGEST_DRAIN.toMillis());
        }
        if (!grpc.shutdown(GRPC_GRACE)) {
            log.warn("gRPC server did not terminate in time");
        }
        http.stop();
        recovery.close(); // the final persist
        scheduler.shutdownNow();
        if (serving) { // after a failed start the error line says it all
            log.info("foo-proxy backend stopped");
        }
    }

    private static void checkFree(String key, ListenAddress address) throws StartupException {
        try {
            PortProbe.checkFree(address.toSocketAddress());
        } catch (IOException e) {
            throw new StartupException(bindError(key, address.toString(), e), e);
        }
    }

    /** One line naming the key, the address and the reason, whatever transport threw it. */
    static String bindError(String key, String address, IOException e) {
        String reason = null;
        for (Throwable t = e; t != null && reason == null; t = t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (message.contains("already in use") || (t instanceof BindException && message.isEmpty())) {
                reason = "address already in use";
            } else if (message.contains("cannot assign requested address")) {
                reason = "no such local address";
            } else if (message.contains("permission denied")) {
                reason = "permission denied";
            }
        }
        if (reason == null) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            reason = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        }
        return key + ": cannot listen on " + address + ": " + reason;
    }
}
