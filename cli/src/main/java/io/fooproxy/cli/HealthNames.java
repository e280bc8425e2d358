package io.fooproxy.cli;

import java.util.List;

/**
 * The names the backend's {@code grpc.health.v1} answers for (the backend's
 * io.fooproxy.backend.grpc.HealthServiceNames, which this module cannot depend on).
 */
final class HealthNames {
    static final String OVERALL = "";

    static final List<String> COMPONENTS = List.of(
            "foo.backend.recovery",
            "foo.backend.frontends",
            "foo.backend.grpc",
            "foo.backend.http",
            "foo.stats.v1.StatsService",
            "foo.telemetry.v1.TelemetryService");

    private HealthNames() {}
}
