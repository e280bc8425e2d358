package io.fooproxy.testkit.cli;

import io.fooproxy.testkit.script.Script;
import io.fooproxy.testkit.script.ScriptedServer;
import io.fooproxy.testkit.server.ReferenceServer;
import java.io.IOException;
import java.nio.file.Path;
import io.fooproxy.testkit.server.ServerConfig;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code server}: runs the reference Foo server until SIGTERM or SIGINT. */
@Command(name = "server", sortOptions = false,
        description = "Reference Foo server: answers each REQ with ACK <seq> <hex> or NAK <seq>.")
public final class ServerCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServerCommand.class);

    @Mixin
    CommonOptions common;

    @Option(names = {"-listen", "--listen"}, paramLabel = "ADDR", defaultValue = ":8001",
            description = "Listen address, host:port or :port (all interfaces). Default: ${DEFAULT-VALUE}.")
    String listen;

    @Option(names = {"-nak-percent", "--nak-percent"}, paramLabel = "N", defaultValue = "10",
            description = "Share of REQs answered with NAK, 0..100. Default: ${DEFAULT-VALUE}.")
    int nakPercent;

    @Option(names = {"-fragment", "--fragment"}, paramLabel = "BOOL", arity = "1", defaultValue = "true",
            description = "Split every answer across several writes (false: one write per read batch,"
                    + " for throughput runs). Default: ${DEFAULT-VALUE}.")
    String fragment;

    @Option(names = {"-seed", "--seed"}, paramLabel = "N",
            description = "Seed of the per-connection NAK/data decisions. Default: random.")
    Long seed;

    @Option(names = {"-delay", "--delay"}, paramLabel = "DURATION", defaultValue = "0ms",
            description = "Fixed delay before each answer, e.g. 5ms. Default: ${DEFAULT-VALUE}.")
    String delay;

    @Option(names = {"-max-line", "--max-line"}, paramLabel = "BYTES", defaultValue = "1048576",
            description = "Longest accepted line; a longer one closes the connection. Default: ${DEFAULT-VALUE}.")
    int maxLine;

    @Option(names = {"-threads", "--threads"}, paramLabel = "N", defaultValue = "0",
            description = "Event loop threads, 0 = one per core. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = {"-script", "--script"}, paramLabel = "FILE",
            description = "Misbehave on purpose: play this script on every connection instead of answering"
                    + " (lines 'send LINE' and 'read N'; see Script). Default: none.")
    Path script;

    ServerConfig toConfig() {
        return new ServerConfig(OptionValues.address("listen", listen), nakPercent,
                OptionValues.bool("fragment", fragment),
                seed == null ? OptionalLong.empty() : OptionalLong.of(seed),
                OptionValues.duration("delay", delay), maxLine, threads);
    }

    @Override
    public Integer call() throws InterruptedException {
        common.applyLogLevel();
        ServerConfig config = toConfig();
        Script scripted = script == null ? null : Script.load("script", script);
        // handlers before the port opens: whoever sees it open may signal us at once
        CountDownLatch stopRequested = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> requestStop(stopRequested, s));
        Signal.handle(new Signal("INT"), s -> requestStop(stopRequested, s));
        if (scripted != null) {
            try (ScriptedServer server = ScriptedServer.start(config.listen().toBindAddress(), scripted)) {
                stopRequested.await();
            } catch (IOException e) {
                log.error("{}", e.getMessage());
                return 1;
            }
            return 0;
        }
        ReferenceServer server;
        try {
            server = ReferenceServer.start(config);
        } catch (IllegalStateException e) {
            log.error("{}", e.getMessage());
            return 1;
        }
        stopRequested.await();
        server.close();
        return 0;
    }

    private static void requestStop(CountDownLatch stopRequested, Signal signal) {
        log.info("SIG{} received, stopping", signal.getName());
        stopRequested.countDown();
    }
}
