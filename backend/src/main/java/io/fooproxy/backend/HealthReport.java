package io.fooproxy.backend;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The backend's health at one instant: serving when no critical component is down and the
 * process is not shutting down.
 */
public record HealthReport(boolean serving, boolean shuttingDown, List<Component> components) {

    public HealthReport {
        components = List.copyOf(requireNonNull(components, "components"));
    }

    /** One component's state. */
    public record Component(String name, boolean critical, boolean serving, String detail) {
        public Component {
            requireNonNull(name, "name");
            requireNonNull(detail, "detail");
        }
    }
}
