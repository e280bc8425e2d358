package io.fooproxy.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The top-level command: the options the subcommands share, and the exit status contract. */
@Command(name = "foo-proxy-cli",
        description = "Asks a foo-proxy backend over gRPC for its statistics, health and top consumers.",
        synopsisSubcommandLabel = "(stats | watch | health | top)",
        footer = {"", "Exit status: 0 done (health: SERVING); 1 health: not serving, watch: the backend ended the",
                "stream; 2 backend unreachable, call failed or bad command line."})
final class FooCli implements Callable<Integer> {
    @Mixin
    BackendOption backend = new BackendOption();

    @Mixin
    HelpOption help = new HelpOption();

    private final PrintStream err;

    FooCli(PrintStream err) {
        this.err = requireNonNull(err, "err");
    }

    @Override
    public Integer call() {
        err.println("error: name a command: stats, watch, health or top (see -help)");
        return ExitCodes.FAILED;
    }
}
