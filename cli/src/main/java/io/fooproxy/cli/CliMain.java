package io.fooproxy.cli;

import java.time.ZoneId;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** {@code java -jar foo-proxy-cli.jar [-backend HOST:PORT] stats|watch|health|top}. */
public final class CliMain {
    private CliMain() {}

    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install(); // gRPC logs through java.util.logging
        int status = Cli.commandLine(new NettyChannelFactory(), System.out, System.err, ZoneId.systemDefault())
                .execute(args);
        System.exit(status);
    }
}
