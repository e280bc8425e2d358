package io.fooproxy.testkit.cli;

import static java.util.Objects.requireNonNull;

import io.fooproxy.testkit.client.CheckingClient;
import io.fooproxy.testkit.client.ClientConfig;
import io.fooproxy.testkit.script.Script;
import io.fooproxy.testkit.script.ScriptRunner;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code client}: the checking client; exit 0 with OK!, 1 with FAILED!. */
@Command(name = "client", sortOptions = false,
        description = "Checking Foo client: sends REQs, checks every answer (ACK/NAK, expected seq),"
                + " prints a dot per 10 answers, then OK! or FAILED! <reason>.")
public final class ClientCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ClientCommand.class);
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

    @Option(names = {"-script", "--script"}, paramLabel = "FILE",
            description = "Misbehave on purpose: one connection plays this script ('send LINE', 'read N'),"
                    + " prints every line read, then closes; exit 1 if the answers do not come within"
                    + " -timeout. Default: none.")
    Path script;

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
        if (script != null) {
            return runScript(config, Script.load("script", script));
        }
        return new CheckingClient(config, out).run().ok() ? 0 : 1;
    }

    private int runScript(ClientConfig config, Script steps) {
        try (Socket socket = new Socket()) {
            int timeout = (int) Math.min(Integer.MAX_VALUE, Math.max(1, config.timeout().toMillis()));
            socket.connect(config.connect().toConnectAddress(), timeout);
            socket.setSoTimeout(timeout);
            socket.setTcpNoDelay(true);
            List<String> lines = new ScriptRunner(steps).run(socket.getInputStream(), socket.getOutputStream());
            lines.forEach(out::println);
            out.println("OK!");
            return 0;
        } catch (IOException e) {
            log.debug("script failed", e);
            out.println("FAILED! " + e.getMessage());
            return 1;
        }
    }
}
