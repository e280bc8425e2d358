package io.fooproxy.backend;

import io.fooproxy.backend.health.HealthComponent;

/** A health component whose state the test sets. */
public final class TestHealthComponent implements HealthComponent {
    private final String name;
    private final boolean critical;
    private volatile ComponentStatus status;

    public TestHealthComponent(String name, boolean critical, boolean serving, String detail) {
        this.name = name;
        this.critical = critical;
        this.status = new ComponentStatus(serving, detail);
    }

    public void set(boolean serving, String detail) {
        status = new ComponentStatus(serving, detail);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ComponentStatus status() {
        return status;
    }

    @Override
    public boolean critical() {
        return critical;
    }
}
