package io.fooproxy.cli;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code health}: grpc.health.v1 Check for the backend as a whole ("") and each component, one
 * line each ({@code <name> SERVING}); the exit status follows the overall answer.
 */
@Command(name = "health", description = "Check the backend's health: overall, then each component.")
final class HealthCommand extends BackendCommand {
    static final String OVERALL_LABEL = "overall";

    @Option(names = {"-timeout", "--timeout"}, paramLabel = "DURATION", defaultValue = "2s",
            converter = DurationConverter.class, description = "Deadline of each check (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = {"-service", "--service"}, paramLabel = "NAME",
            description = "Check these service names instead of the backend's components (repeatable)")
    List<String> services = new ArrayList<>();

    HealthCommand(ChannelFactory channels, PrintStream out, PrintStream err) {
        super(channels, out, err);
    }

    @Override
    int run(Channel channel, BackendAddress address) {
        HealthGrpc.HealthBlockingStub stub = HealthGrpc.newBlockingStub(channel);
        ServingStatus overall;
        try {
            overall = check(stub, HealthNames.OVERALL);
        } catch (StatusRuntimeException e) {
            return failed(address, e);
        }
        out.println(OVERALL_LABEL + " " + overall);
        for (String name : services.isEmpty() ? HealthNames.COMPONENTS : services) {
            out.println(name + " " + describe(stub, name));
        }
        out.flush();
        return overall == ServingStatus.SERVING ? ExitCodes.OK : ExitCodes.NOT_SERVING;
    }

    private String describe(HealthGrpc.HealthBlockingStub stub, String name) {
        try {
            return check(stub, name).toString();
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return ServingStatus.SERVICE_UNKNOWN.toString();
            }
            return "ERROR " + e.getStatus().getCode();
        }
    }

    private ServingStatus check(HealthGrpc.HealthBlockingStub stub, String name) {
        return stub.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .check(HealthCheckRequest.newBuilder().setService(name).build())
                .getStatus();
    }
}
