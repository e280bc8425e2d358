package io.fooproxy.backend.grpc;

import static java.util.Objects.requireNonNull;

import io.fooproxy.backend.BackendHealth;
import io.fooproxy.backend.HealthReport;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code grpc.health.v1} in step with {@link BackendHealth}: the overall "" status, one
 * {@code foo.backend.<component>} per component, and the two API services. The stats service
 * answers whenever the process is up; telemetry ingest needs the backend as a whole serving
 * (its acknowledgements depend on recovery).
 */
public final class GrpcHealthPublisher {
    private static final Logger log = LoggerFactory.getLogger(GrpcHealthPublisher.class);

    private final HealthStatusManager manager;
    private final BackendHealth health;
    private final ScheduledExecutorService scheduler;
    private final Duration period;
    private ScheduledFuture<?> task; // guarded by this
    private boolean terminal; // guarded by this

    public GrpcHealthPublisher(HealthStatusManager manager, BackendHealth health,
            ScheduledExecutorService scheduler, Duration period) {
        this.manager = requireNonNull(manager, "manager");
        this.health = requireNonNull(health, "health");
        this.scheduler = requireNonNull(scheduler, "scheduler");
        this.period = requireNonNull(period, "period");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive");
        }
    }

    /** Publishes now and then every period. */
    public synchronized void start() {
        if (task != null || terminal) {
            return;
        }
        publish();
        task = scheduler.scheduleWithFixedDelay(this::publishQuietly, period.toMillis(), period.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Sets every status from the current health report. */
    public synchronized void publish() {
        if (terminal) {
            return;
        }
        HealthReport report = health.report();
        manager.setStatus(HealthServiceNames.OVERALL, status(report.serving()));
        for (HealthReport.Component c : report.components()) {
            manager.setStatus(HealthServiceNames.component(c.name()), status(c.serving() && !report.shuttingDown()));
        }
        manager.setStatus(HealthServiceNames.STATS_SERVICE, status(!report.shuttingDown()));
        manager.setStatus(HealthServiceNames.TELEMETRY_SERVICE, status(report.serving()));
    }

    /** Everything NOT_SERVING for good; for shutdown. */
    public synchronized void shutdown() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
        if (!terminal) {
            terminal = true;
            manager.enterTerminalState();
        }
    }

    private void publishQuietly() {
        try {
            publish();
        } catch (RuntimeException e) {
            // keep the schedule alive: one failed update must not freeze the reported health
            log.warn("publishing gRPC health failed", e);
        }
    }

    private static ServingStatus status(boolean serving) {
        return serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    }
}
