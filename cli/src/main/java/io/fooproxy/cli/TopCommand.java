package io.fooproxy.cli;

import static java.util.Objects.requireNonNull;

import io.fooproxy.proto.stats.v1.Consumer;
import io.fooproxy.proto.stats.v1.GetTopConsumersRequest;
import io.fooproxy.proto.stats.v1.StatsServiceGrpc;
import io.fooproxy.proto.stats.v1.TopConsumers;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code top}: the consumption cycle's biggest clients (GetTopConsumers), one summary line and
 * one line per client. {@code ±} columns are each entry's top-K error bound: the shown count may
 * overstate the truth by at most that much (0: exact).
 */
@Command(name = "top", description = "Print the biggest consumers (client addresses) of the current consumption cycle.")
final class TopCommand extends BackendCommand {
    static final int MAX_N = 100_000;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    @Spec
    CommandSpec spec;

    @Option(names = {"-n", "--n"}, paramLabel = "N", defaultValue = "0",
            description = "How many clients; 0 means the backend's top-consumers setting (default: ${DEFAULT-VALUE})")
    int n;

    @Option(names = {"-by", "--by"}, paramLabel = "messages|bytes", defaultValue = "messages",
            description = "Rank by messages or bytes (default: ${DEFAULT-VALUE})")
    String by;

    @Option(names = {"-timeout", "--timeout"}, paramLabel = "DURATION", defaultValue = "2s",
            converter = DurationConverter.class, description = "Deadline of the call (default: ${DEFAULT-VALUE})")
    Duration timeout;

    private final ZoneId zone;

    TopCommand(ChannelFactory channels, PrintStream out, PrintStream err, ZoneId zone) {
        super(channels, out, err);
        this.zone = requireNonNull(zone, "zone");
    }

    @Override
    void validate() {
        if (n < 0 || n > MAX_N) {
            throw new ParameterException(spec.commandLine(), "-n: must be between 0 and " + MAX_N);
        }
        if (!by.equals("messages") && !by.equals("bytes")) {
            throw new ParameterException(spec.commandLine(), "-by: must be messages or bytes, got '" + by + "'");
        }
    }

    @Override
    int run(Channel channel, BackendAddress address) {
        TopConsumers top;
        try {
            top = StatsServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .getTopConsumers(GetTopConsumersRequest.newBuilder().setLimit(n).setOrderBy(by).build());
        } catch (StatusRuntimeException e) {
            return failed(address, e);
        }
        out.println("cycle " + time(top.getCycleStartedUnixMillis()) + " .. " + time(top.getCycleEndsUnixMillis())
                + " (" + Long.toUnsignedString(top.getCycleSeconds()) + "s)  last reset "
                + (top.getLastResetUnixMillis() == 0 ? "never" : time(top.getLastResetUnixMillis()))
                + "  total messages=" + Long.toUnsignedString(top.getTotalMessages())
                + " bytes=" + Long.toUnsignedString(top.getTotalBytes())
                + "  tracked " + Long.toUnsignedString(top.getTrackedClients())
                + "/" + Long.toUnsignedString(top.getMaxTrackedClients()));
        out.println(String.format(Locale.ROOT, "%-4s %-39s %14s %16s %12s %14s",
                "#", "address", "messages", "bytes", "±messages", "±bytes"));
        int rank = 0;
        for (Consumer c : top.getTopList()) {
            out.println(String.format(Locale.ROOT, "%-4d %-39s %14s %16s %12s %14s", ++rank, c.getAddress(),
                    Long.toUnsignedString(c.getMessages()), Long.toUnsignedString(c.getBytes()),
                    Long.toUnsignedString(c.getMaxOvercountMessages()),
                    Long.toUnsignedString(c.getMaxOvercountBytes())));
        }
        out.flush();
        return ExitCodes.OK;
    }

    private String time(long unixMillis) {
        return TIME.format(Instant.ofEpochMilli(unixMillis).atZone(zone));
    }
}
