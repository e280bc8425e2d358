package io.fooproxy.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import picocli.CommandLine;

/** Builds the picocli command tree with its collaborators, so tests can run it in-process. */
public final class Cli {
    private Cli() {}

    /** The CLI, ready for {@link CommandLine#execute(String...)} (which returns the exit status). */
    public static CommandLine commandLine(ChannelFactory channels, PrintStream out, PrintStream err, ZoneId zone) {
        requireNonNull(channels, "channels");
        requireNonNull(out, "out");
        requireNonNull(err, "err");
        requireNonNull(zone, "zone");
        CommandLine cli = new CommandLine(new FooCli(err))
                .addSubcommand(new StatsCommand(channels, out, err))
                .addSubcommand(new WatchCommand(channels, out, err, zone))
                .addSubcommand(new HealthCommand(channels, out, err))
                .addSubcommand(new TopCommand(channels, out, err, zone));
        cli.setPosixClusteredShortOptionsAllowed(false);
        cli.setUsageHelpWidth(100);
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        // a usage error is one line plus a hint, not the whole help text
        cli.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("error: " + e.getMessage());
            e.getCommandLine().getErr().println("see: " + e.getCommandLine().getCommandSpec().qualifiedName() + " -help");
            return ExitCodes.FAILED;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return ExitCodes.FAILED;
        });
        return cli;
    }
}
