package io.fooproxy.backend;

import static java.util.Objects.requireNonNull;

import io.fooproxy.backend.health.HealthComponent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that decides whether the backend serves, read by {@code /health}, {@code
 * /status} and {@code grpc.health.v1}, so that they never disagree. Thread-safe.
 */
public final class BackendHealth {
    private static final Logger log = LoggerFactory.getLogger(BackendHealth.class);

    private final List<HealthComponent> components;
    private volatile boolean shuttingDown;

    public BackendHealth(List<? extends HealthComponent> components) {
        this.components = List.copyOf(requireNonNull(components, "components"));
        Set<String> names = new HashSet<>();
        for (HealthComponent c : this.components) {
            if (!names.add(c.name())) {
                throw new IllegalArgumentException("two health components named " + c.name());
            }
        }
    }

    /** From now on the backend reports not serving, whatever its components say. */
    public void markShuttingDown() {
        shuttingDown = true;
    }

    public boolean shuttingDown() {
        return shuttingDown;
    }

    /** The component names, in the order reports list them. */
    public List<String> componentNames() {
        return components.stream().map(HealthComponent::name).toList();
    }

    public HealthReport report() {
        boolean stopping = shuttingDown;
        boolean serving = !stopping;
        List<HealthReport.Component> states = new ArrayList<>(components.size());
        for (HealthComponent c : components) {
            HealthComponent.ComponentStatus status = statusOf(c);
            states.add(new HealthReport.Component(c.name(), c.critical(), status.serving(), status.detail()));
            if (c.critical() && !status.serving()) {
                serving = false;
            }
        }
        return new HealthReport(serving, stopping, states);
    }

    private static HealthComponent.ComponentStatus statusOf(HealthComponent c) {
        try {
            return requireNonNull(c.status(), "status");
        } catch (RuntimeException e) {
            // a component that cannot say how it is doing is not serving; keep the cause in the log
            log.warn("health check of {} failed", c.name(), e);
            return new HealthComponent.ComponentStatus(false, "health check failed");
        }
    }
}
