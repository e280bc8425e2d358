package io.fooproxy.cli;

import io.fooproxy.proto.json.StatsJson;
import io.fooproxy.proto.stats.v1.GetStatsRequest;
import io.fooproxy.proto.stats.v1.Stats;
import io.fooproxy.proto.stats.v1.StatsServiceGrpc;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stats}: the stats JSON object, one line on stdout. */
@Command(name = "stats", description = "Print the backend's statistics as one JSON line.")
final class StatsCommand extends BackendCommand {
    @Option(names = {"-timeout", "--timeout"}, paramLabel = "DURATION", defaultValue = "2s",
            converter = DurationConverter.class, description = "Deadline of the call (default: ${DEFAULT-VALUE})")
    java.time.Duration timeout;

    StatsCommand(ChannelFactory channels, PrintStream out, PrintStream err) {
        super(channels, out, err);
    }

    @Override
    int run(Channel channel, BackendAddress address) {
        Stats stats;
        try {
            stats = StatsServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .getStats(GetStatsRequest.getDefaultInstance());
        } catch (StatusRuntimeException e) {
            return failed(address, e);
        }
        out.println(StatsJson.toJson(stats));
        out.flush();
        return ExitCodes.OK;
    }
}
