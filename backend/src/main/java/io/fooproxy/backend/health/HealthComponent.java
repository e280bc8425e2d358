package io.fooproxy.backend.health;

/**
 * One part of the backend whose state the health surfaces report: {@code /health}, {@code
 * /status} and {@code grpc.health.v1} (where {@link #name()} is the service name). Thread-safe.
 */
public interface HealthComponent {

    /** Stable, lower-case name, for example {@code "recovery"} or {@code "frontends"}. */
    String name();

    /** The component's state right now. */
    ComponentStatus status();

    /**
     * Whether the backend as a whole is not serving while this component is not. A backend
     * with no frontend connected still serves (it answers queries), so that one is not critical.
     */
    boolean critical();

    /** A component's state and a short human-readable reason. */
    record ComponentStatus(boolean serving, String detail) {
        public ComponentStatus {
            java.util.Objects.requireNonNull(detail, "detail");
        }
    }
}
