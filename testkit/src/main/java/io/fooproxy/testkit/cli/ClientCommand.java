package io.fooproxy.testkit.cli;

import static java.util.Objects.requireNonNull;

import io.fooproxy.testkit.client.CheckingClient;
import io.fooproxy.testkit.client.ClientConfig;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code client}: the checking client; exit 0 with OK!, 1 with FAILED!. */
@Command(name = "client", sortOptions = false,
        description = "Checking Foo client: sends REQs, checks every answer (ACK/NAK, expected seq),"
                + " prints a dot per 10 answers, then OK! or FAILED! <reason>.")
public final class ClientCommand implements Callable<Integer> {
    private final PrintStream out;

    @Mixin
    CommonOptions common;

    @Option(names = {"-connect", "--connect"}, paramLabel = "ADDR", defaultValue = "localhost:8002",
            description = "Server or proxy to connect to, host:port. Default: ${DEFAULT-VALUE}.")
    String connect;

    @Option(names = {"-requests", "--requests"}, paramLabel = "N", defaultValue = "100",
            description = "REQs per connection. Default: ${DEFAULT-VALUE}.")
    long requests;

    @Option(names = {"-connections", "--connections"}, paramLabel = "N", defaultValue = "1",
            description = "Parallel connections. Default: ${DEFAULT-VALUE}.")
    int connections;

    @Option(names = {"-depth", "--depth"}, paramLabel = "N", defaultValue = "1",
            description = "REQs in flight per connection (pipelining). Default: ${DEFAULT-VALUE}.")
    int depth;

    @Option(names = {"-timeout", "--timeout"}, paramLabel = "DURATION", defaultValue = "10s",
            description = "Time limit for the whole run. Default: ${DEFAULT-VALUE}.")
    String timeout;

    @Option(names = {"-data-length", "--data-length"}, paramLabel = "N", defaultValue = "16",
            description = "Hex characters of random data per REQ. Default: ${DEFAULT-VALUE}.")
    int dataLength;

    public ClientCommand(PrintStream out) {
        this.out = requireNonNull(out, "out");
    }

    ClientConfig toConfig() {
        return new ClientConfig(OptionValues.address("connect", connect), requests, connections, depth,
                OptionValues.duration("timeout", timeout), dataLength);
    }

    @Override
    public Integer call() {
        common.applyLogLevel();
        ClientConfig config = toConfig();
        return new CheckingClient(config, out).run().ok() ? 0 : 1;
    }
}
