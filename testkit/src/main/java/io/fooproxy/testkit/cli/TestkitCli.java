package io.fooproxy.testkit.cli;

import static java.util.Objects.requireNonNull;

import io.fooproxy.testkit.config.ConfigException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The {@code foo-proxy-testkit} command line: {@code server}, {@code client}, {@code load}.
 * Exit codes: 0 success, 1 failure (client FAILED!, load errors, server cannot bind), 2 bad options.
 */
public final class TestkitCli {
    private static final Logger log = LoggerFactory.getLogger(TestkitCli.class);
    public static final int EXIT_CONFIG = 2;

    @Command(name = "foo-proxy-testkit", synopsisSubcommandLabel = "(server | client | load)",
            description = "Foo protocol tools: reference server, checking client, load generator.")
    static final class Root implements Runnable {
        @Option(names = {"-help", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;

        @Override
        public void run() {
            throw new ConfigException("command", "missing (one of server, client, load)");
        }
    }

    private TestkitCli() {}

    /** Parses and runs {@code args}; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        requireNonNull(args, "args");
        requireNonNull(out, "out");
        requireNonNull(err, "err");
        CommandLine cli = new CommandLine(new Root())
                .addSubcommand("server", new ServerCommand())
                .addSubcommand("client", new ClientCommand(out))
                .addSubcommand("load", new LoadCommand(out, err))
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .setUsageHelpWidth(100)
                .setParameterExceptionHandler((ex, a) -> {
                    err.println(configErrorLine(ex));
                    return EXIT_CONFIG;
                })
                .setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
                    if (ex instanceof ConfigException config) {
                        err.println(config.toConfigErrorLine());
                        return EXIT_CONFIG;
                    }
                    log.error("{} failed", commandLine.getCommandName(), ex);
                    return 1;
                });
        try {
            Optional<Path> configFile = ConfigFile.find(args);
            if (configFile.isPresent()) {
                Properties properties = ConfigFile.load(configFile.get());
                String sub = subcommandName(args);
                if (sub != null && cli.getSubcommands().containsKey(sub)) {
                    ConfigFile.checkKeys(properties, cli.getSubcommands().get(sub).getCommandSpec(),
                            configFile.get());
                }
                cli.setDefaultValueProvider(ConfigFile.defaults(properties));
            }
        } catch (ConfigException e) {
            err.println(e.toConfigErrorLine());
            return EXIT_CONFIG;
        }
        return cli.execute(args);
    }

    private static String subcommandName(String[] args) {
        for (String a : args) {
            if (!a.startsWith("-")) {
                return a;
            }
        }
        return null;
    }

    /** {@code config error: <key>: <reason>} for a picocli parse failure. */
    static String configErrorLine(ParameterException ex) {
        if (ex instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            String arg = unmatched.getUnmatched().get(0);
            String key = arg.replaceFirst("^-+", "").replaceFirst("=.*$", "");
            return "config error: " + key + ": " + (arg.startsWith("-") ? "unknown option" : "unexpected argument");
        }
        if (ex.getCause() instanceof ConfigException config) {
            return config.toConfigErrorLine();
        }
        String key = "command";
        if (ex.getArgSpec() instanceof OptionSpec option) {
            key = ConfigFile.key(option);
        } else if (ex instanceof CommandLine.MissingParameterException missing && !missing.getMissing().isEmpty()
                && missing.getMissing().get(0) instanceof OptionSpec option) {
            key = ConfigFile.key(option);
        }
        if (ex instanceof CommandLine.MissingParameterException) {
            return "config error: " + key + ": value missing";
        }
        // picocli says "Invalid value for option '--depth': 'x' is not an int"; keep the reason only
        String reason = String.valueOf(ex.getMessage()).replaceFirst("^Invalid value for option '[^']*': ", "");
        return "config error: " + key + ": " + reason;
    }
}
