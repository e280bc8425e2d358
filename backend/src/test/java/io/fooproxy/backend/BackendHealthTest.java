package io.fooproxy.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fooproxy.backend.health.HealthComponent;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendHealthTest {
    private final TestHealthComponent recovery = new TestHealthComponent("recovery", true, true, "persisted 3 ms ago");
    private final TestHealthComponent frontends = new TestHealthComponent("frontends", false, false, "no frontend connected");
    private final BackendHealth health = new BackendHealth(List.of(recovery, frontends));

    @Test
    void servesWhileEveryCriticalComponentServes() {
        HealthReport report = health.report();
        assertThat(report.serving()).isTrue();
        assertThat(report.shuttingDown()).isFalse();
        assertThat(report.components()).containsExactly(
                new HealthReport.Component("recovery", true, true, "persisted 3 ms ago"),
                new HealthReport.Component("frontends", false, false, "no frontend connected"));
    }

    @Test
    void aCriticalComponentDownMeansNotServing() {
        recovery.set(false, "disk full");
        assertThat(health.report().serving()).isFalse();
        recovery.set(true, "ok");
        assertThat(health.report().serving()).isTrue();
    }

    @Test
    void shuttingDownMeansNotServing() {
        health.markShuttingDown();
        HealthReport report = health.report();
        assertThat(report.serving()).isFalse();
        assertThat(report.shuttingDown()).isTrue();
    }

    @Test
    void aComponentThatThrowsIsNotServing() {
        HealthComponent broken = new HealthComponent() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public ComponentStatus status() {
                throw new IllegalStateException("boom");
            }

            @Override
            public boolean critical() {
                return true;
            }
        };
        HealthReport report = new BackendHealth(List.of(broken)).report();
        assertThat(report.serving()).isFalse();
        assertThat(report.components().get(0).detail()).isEqualTo("health check failed");
    }

    @Test
    void namesMustBeUnique() {
        assertThatThrownBy(() -> new BackendHealth(List.of(recovery, recovery)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
