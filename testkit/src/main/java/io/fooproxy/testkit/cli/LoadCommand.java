package io.fooproxy.testkit.cli;

import static java.util.Objects.requireNonNull;

import io.fooproxy.testkit.load.LoadConfig;
import io.fooproxy.testkit.load.LoadGenerator;
import io.fooproxy.testkit.load.LoadListener;
import io.fooproxy.testkit.load.LoadProgress;
import io.fooproxy.testkit.load.LoadResult;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code load}: the load generator; one JSON line on stdout, progress on stderr. */
@Command(name = "load", sortOptions = false,
        description = "Load generator: C connections with up to D REQs in flight each, for a fixed time;"
                + " prints one JSON line of exact counts and latency percentiles. Exit 0 without errors, 1 with.")
public final class LoadCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(LoadCommand.class);

    private final PrintStream out;
    private final PrintStream err;

    @Mixin
    CommonOptions common;

    @Option(names = {"-connect", "--connect"}, paramLabel = "ADDR", defaultValue = "localhost:8002",
            description = "Server or proxy to load, host:port. Default: ${DEFAULT-VALUE}.")
    String connect;

    @Option(names = {"-connections", "--connections"}, paramLabel = "N", defaultValue = "1",
            description = "Parallel connections. Default: ${DEFAULT-VALUE}.")
    int connections;

    @Option(names = {"-depth", "--depth"}, paramLabel = "N", defaultValue = "1",
            description = "REQs in flight per connection (pipelining). Default: ${DEFAULT-VALUE}.")
    int depth;

    @Option(names = {"-duration", "--duration"}, paramLabel = "DURATION", defaultValue = "10s",
            description = "Measured sending time (a bare number is seconds). Default: ${DEFAULT-VALUE}.")
    String duration;

    @Option(names = {"-rate", "--rate"}, paramLabel = "MSG/S", defaultValue = "0",
            description = "Total REQs per second over all connections, 0 = unlimited. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = {"-warmup", "--warmup"}, paramLabel = "DURATION", defaultValue = "0s",
            description = "Sending time before the measurement (counted, not timed). Default: ${DEFAULT-VALUE}.")
    String warmup;

    @Option(names = {"-drain-timeout", "--drain-timeout"}, paramLabel = "DURATION", defaultValue = "5s",
            description = "Wait for outstanding answers after sending stops. Default: ${DEFAULT-VALUE}.")
    String drainTimeout;

    @Option(names = {"-connect-timeout", "--connect-timeout"}, paramLabel = "DURATION", defaultValue = "5s",
            description = "Bound on establishing each connection. Default: ${DEFAULT-VALUE}.")
    String connectTimeout;

    @Option(names = {"-data-length", "--data-length"}, paramLabel = "N", defaultValue = "16",
            description = "Hex characters of random data per REQ. Default: ${DEFAULT-VALUE}.")
    int dataLength;

    @Option(names = {"-threads", "--threads"}, paramLabel = "N", defaultValue = "0",
            description = "Event loop threads, 0 = one per core. Default: ${DEFAULT-VALUE}.")
    int threads;

    public LoadCommand(PrintStream out, PrintStream err) {
        this.out = requireNonNull(out, "out");
        this.err = requireNonNull(err, "err");
    }

    LoadConfig toConfig() {
        return new LoadConfig(OptionValues.address("connect", connect), connections, depth,
                OptionValues.duration("duration", duration), rate, OptionValues.duration("warmup", warmup), 0,
                OptionValues.duration("drain-timeout", drainTimeout),
                OptionValues.duration("connect-timeout", connectTimeout), dataLength, threads, false);
    }

    @Override
    public Integer call() {
        common.applyLogLevel();
        LoadConfig config = toConfig();
        LoadResult result = LoadGenerator.run(config, new LoadListener() {
            @Override
            public void onProgress(LoadProgress progress) {
                err.println(progress.toLine());
            }
        });
        result.firstError().ifPresent(e -> log.warn("{} errors; the first: {}", result.errors(), e));
        out.println(result.toJson());
        out.flush();
        return result.errors() == 0 ? 0 : 1;
    }
}
