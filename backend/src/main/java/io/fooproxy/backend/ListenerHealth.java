package io.fooproxy.backend;

import static java.util.Objects.requireNonNull;

import io.fooproxy.backend.health.HealthComponent;
import java.util.Optional;

/**
 * The health of one listening server (gRPC or HTTP): serving from a successful bind until
 * stop. Kept apart from the server so the health report can exist before the servers do.
 */
public final class ListenerHealth implements HealthComponent {
    private final String name;
    private volatile State state = new State(false, "not started", null);

    private record State(boolean serving, String detail, String address) {}

    public ListenerHealth(String name) {
        this.name = requireNonNull(name, "name");
    }

    /** The server is bound to {@code address} and accepting. */
    public void started(String address) {
        requireNonNull(address, "address");
        state = new State(true, "listening on " + address, address);
    }

    /** The server no longer accepts. */
    public void stopped(String detail) {
        requireNonNull(detail, "detail");
        state = new State(false, detail, state.address());
    }

    /** Where the server is (or was last) listening. */
    public Optional<String> address() {
        return Optional.ofNullable(state.address());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ComponentStatus status() {
        State s = state;
        return new ComponentStatus(s.serving(), s.detail());
    }

    @Override
    public boolean critical() {
        return true;
    }
}
