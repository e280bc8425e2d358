package io.fooproxy.backend.grpc;

import io.fooproxy.proto.stats.v1.StatsServiceGrpc;
import io.fooproxy.proto.telemetry.v1.TelemetryServiceGrpc;

/** The service names {@code grpc.health.v1} answers for, besides the overall "". */
public final class HealthServiceNames {
    /** The whole backend. */
    public static final String OVERALL = "";
    /** A backend component is {@code foo.backend.<component name>}, e.g. foo.backend.recovery. */
    public static final String COMPONENT_PREFIX = "foo.backend.";
    public static final String STATS_SERVICE = StatsServiceGrpc.SERVICE_NAME;
    public static final String TELEMETRY_SERVICE = TelemetryServiceGrpc.SERVICE_NAME;

    private HealthServiceNames() {}

    public static String component(String componentName) {
        return COMPONENT_PREFIX + componentName;
    }
}
