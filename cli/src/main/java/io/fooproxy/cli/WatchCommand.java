package io.fooproxy.cli;

import static java.util.Objects.requireNonNull;

import io.fooproxy.proto.stats.v1.Stats;
import io.fooproxy.proto.stats.v1.StatsServiceGrpc;
import io.fooproxy.proto.stats.v1.WatchStatsRequest;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Iterator;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code watch}: one line per WatchStats message until {@code -count} lines or Ctrl-C. */
@Command(name = "watch", description = "Print the statistics every interval, one human-readable line each.")
final class WatchCommand extends BackendCommand {
    static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    static final Duration MAX_INTERVAL = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Option(names = {"-interval", "--interval"}, paramLabel = "DURATION", defaultValue = "1s",
            converter = DurationConverter.class,
            description = "Time between two lines, 100ms..60s (default: ${DEFAULT-VALUE})")
    Duration interval;

    @Option(names = {"-timeout", "--timeout"}, paramLabel = "DURATION", defaultValue = "2s",
            converter = DurationConverter.class,
            description = "How long to wait for the first line before giving up (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = {"-count", "--count"}, paramLabel = "N", defaultValue = "0",
            description = "Stop after N lines; 0 means until interrupted (default: ${DEFAULT-VALUE})")
    long count;

    private final ZoneId zone;

    WatchCommand(ChannelFactory channels, PrintStream out, PrintStream err, ZoneId zone) {
        super(channels, out, err);
        this.zone = requireNonNull(zone, "zone");
    }

    @Override
    void validate() {
        if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
            throw new ParameterException(spec.commandLine(), "-interval: must be between 100ms and 60s");
        }
        if (count < 0) {
            throw new ParameterException(spec.commandLine(), "-count: must be 0 or more");
        }
    }

    @Override
    int run(Channel channel, BackendAddress address) {
        WatchLine format = new WatchLine(zone);
        WatchStatsRequest request = WatchStatsRequest.newBuilder().setIntervalMillis((int) interval.toMillis()).build();
        // cancelling this context cancels the stream, which stops the backend's ticking for us
        Context.CancellableContext context = Context.current().withCancellation();
        Context previousContext = context.attach();
        // the backend sends the first message at once; without it within the timeout, give up
        // (a stream has no deadline, and a silent host would otherwise hang the watch)
        AtomicBoolean firstArrived = new AtomicBoolean();
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "watch-timeout");
            t.setDaemon(true);
            return t;
        });
        timer.schedule(() -> {
            if (!firstArrived.get()) {
                timedOut.set(true);
                context.cancel(null);
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            Iterator<Stats> stream = StatsServiceGrpc.newBlockingStub(channel).watchStats(request);
            Stats previous = null;
            long printed = 0;
            while (count == 0 || printed < count) {
                if (!stream.hasNext()) {
                    err.println("watch: the backend " + address + " ended the stream");
                    return ExitCodes.NOT_SERVING;
                }
                Stats current = stream.next();
                firstArrived.set(true);
                out.println(format.format(previous, current));
                out.flush();
                previous = current;
                printed++;
            }
            return ExitCodes.OK;
        } catch (StatusRuntimeException e) {
            if (timedOut.get() && !firstArrived.get()) {
                err.println("error: backend " + address + " unreachable (no answer within "
                        + timeout.toMillis() + " ms)");
                return ExitCodes.FAILED;
            }
            return failed(address, e);
        } finally {
            timer.shutdownNow();
            context.detach(previousContext);
            context.cancel(null);
        }
    }
}
