package io.fooproxy.cli;

import picocli.CommandLine.Option;

/** {@code -backend}, accepted before and after the subcommand. */
final class BackendOption {
    @Option(names = {"-backend", "--backend"}, paramLabel = "HOST:PORT",
            description = "The backend's gRPC address (default: " + BackendAddress.DEFAULT + ")")
    String value;
}
