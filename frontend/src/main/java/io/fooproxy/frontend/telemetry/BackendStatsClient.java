package io.fooproxy.frontend.telemetry;

import static java.util.Objects.requireNonNull;

import io.fooproxy.proto.stats.v1.GetStatsRequest;
import io.fooproxy.proto.stats.v1.StatsServiceGrpc;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Asks the backend for its statistics ({@code foo.stats.v1.StatsService/GetStats}), for the
 * frontend's SIGUSR2. Never hangs: every call has a deadline, and an unreachable backend fails
 * fast (the call does not wait for the channel to become ready).
 */
public final class BackendStatsClient {

    /** Short enough for a signal handler, long enough for a healthy local backend. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofMillis(500);

    private final StatsServiceGrpc.StatsServiceBlockingStub stub;
    private final Duration deadline;

    /** @param channel to the backend (the caller owns it) */
    public BackendStatsClient(Channel channel) {
        this(channel, DEFAULT_DEADLINE);
    }

    public BackendStatsClient(Channel channel, Duration deadline) {
        this.stub = StatsServiceGrpc.newBlockingStub(requireNonNull(channel, "channel"));
        this.deadline = requireNonNull(deadline, "deadline");
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline: must be positive, got " + deadline);
        }
    }

    /** The backend's current statistics, or why they could not be had within the deadline. */
    public BackendStatsResult fetch() {
        try {
            return BackendStatsResult.success(stub
                    .withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS)
                    .getStats(GetStatsRequest.getDefaultInstance()));
        } catch (StatusRuntimeException e) {
            return BackendStatsResult.failure(describe(e.getStatus()));
        } catch (RuntimeException e) {
            return BackendStatsResult.failure(e.toString());
        }
    }

    private static String describe(Status status) {
        StringBuilder sb = new StringBuilder(status.getCode().name());
        if (status.getDescription() != null) {
            sb.append(": ").append(status.getDescription());
        }
        if (status.getCause() != null && status.getCause().getMessage() != null) {
            sb.append(" (").append(status.getCause().getMessage()).append(')');
        }
        return sb.toString();
    }
}
