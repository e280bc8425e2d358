package io.fooproxy.backend.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The backend's command line: which keys were given as flags, the {@code -config} file and
 * whether help was asked for. Values are parsed and validated later, after the config file's
 * values have been merged under the flags, so that both sources report errors the same way.
 */
public final class BackendCommandLine {
    private static final String CONFIG = "config";

    private BackendCommandLine() {}

    /** The command line as given. */
    public record Args(Map<String, String> flags, Optional<Path> configFile, boolean helpRequested) {
        public Args {
            flags = Map.copyOf(requireNonNull(flags, "flags"));
            requireNonNull(configFile, "configFile");
        }
    }

    /** Parses {@code args}; a malformed command line is a {@link ConfigException}. */
    public static Args parse(String... args) {
        requireNonNull(args, "args");
        Options options = new Options();
        CommandLine commandLine = newCommandLine(options);
        try {
            commandLine.parseArgs(args);
        } catch (CommandLine.UnmatchedArgumentException e) {
            List<String> unmatched = e.getUnmatched();
            String arg = unmatched.isEmpty() ? "" : unmatched.get(0);
            throw new ConfigException(optionKey(arg), arg.startsWith("-") ? "unknown option" : "unexpected argument '" + arg + "'");
        } catch (CommandLine.MissingParameterException e) {
            String key = e.getMissing().isEmpty() ? "command line" : optionKey(e.getMissing().get(0).paramLabel());
            if (!e.getMissing().isEmpty() && e.getMissing().get(0).isOption()) {
                key = optionKey(((CommandLine.Model.OptionSpec) e.getMissing().get(0)).longestName());
            }
            throw new ConfigException(key, "missing value");
        } catch (CommandLine.ParameterException e) {
            throw new ConfigException("command line", e.getMessage());
        }
        Map<String, String> flags = new LinkedHashMap<>();
        putIfGiven(flags, BackendConfig.GRPC, options.grpc);
        putIfGiven(flags, BackendConfig.HTTP, options.http);
        putIfGiven(flags, BackendConfig.RECOVERY_PATH, options.recoveryPath);
        putIfGiven(flags, BackendConfig.PERSIST_INTERVAL, options.persistInterval);
        putIfGiven(flags, BackendConfig.LOG_LEVEL, options.logLevel);
        putIfGiven(flags, BackendConfig.CONSUMPTION_CYCLE, options.consumptionCycle);
        putIfGiven(flags, BackendConfig.MAX_TRACKED_CLIENTS, options.maxTrackedClients);
        putIfGiven(flags, BackendConfig.TOP_CONSUMERS, options.topConsumers);
        Optional<Path> configFile = Optional.empty();
        if (options.config != null) {
            try {
                configFile = Optional.of(Path.of(options.config));
            } catch (InvalidPathException e) {
                throw new ConfigException(CONFIG, "invalid path '" + options.config + "'");
            }
        }
        return new Args(flags, configFile, options.help);
    }

    /** The -help text: every option with its default. */
    public static String usage() {
        return newCommandLine(new Options()).getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    private static CommandLine newCommandLine(Options options) {
        return new CommandLine(options)
                .setPosixClusteredShortOptionsAllowed(false)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setUsageHelpWidth(120);
    }

    private static void putIfGiven(Map<String, String> flags, String key, String value) {
        if (value != null) {
            flags.put(key, value);
        }
    }

    private static String optionKey(String arg) {
        String key = arg;
        int eq = key.indexOf('=');
        if (eq > 0) {
            key = key.substring(0, eq);
        }
        while (key.startsWith("-")) {
            key = key.substring(1);
        }
        return key.isEmpty() ? "command line" : key;
    }

    @Command(
            name = "foo-proxy-backend",
            sortOptions = false,
            description = "The foo-proxy backend: receives telemetry from frontends, keeps the statistics "
                    + "and serves them over gRPC and HTTP. SIGUSR2 prints the stats JSON on stdout, SIGHUP "
                    + "reloads the config file, SIGTERM persists and exits.")
    static final class Options {
        @Option(names = {"-grpc", "--grpc"}, paramLabel = "ADDR",
                description = "gRPC listen address, host:port, :port or [ipv6]:port (default: "
                        + BackendConfig.DEFAULT_GRPC + ")")
        String grpc;

        @Option(names = {"-http", "--http"}, paramLabel = "ADDR",
                description = "HTTP reporting listen address (default: " + BackendConfig.DEFAULT_HTTP + ")")
        String http;

        @Option(names = {"-recovery-path", "--recovery-path"}, paramLabel = "FILE",
                description = "Recovery data file (default: " + BackendConfig.DEFAULT_RECOVERY_PATH + ")")
        String recoveryPath;

        @Option(names = {"-persist-interval", "--persist-interval"}, paramLabel = "DURATION",
                description = "How often recovery data is persisted, 1ms..1s (default: "
                        + BackendConfig.DEFAULT_PERSIST_INTERVAL + ")")
        String persistInterval;

        @Option(names = {"-log-level", "--log-level"}, paramLabel = "LEVEL",
                description = "TRACE, DEBUG, INFO, WARN or ERROR; reloaded on SIGHUP (default: "
                        + BackendConfig.DEFAULT_LOG_LEVEL + ")")
        String logLevel;

        @Option(names = {"-consumption-cycle", "--consumption-cycle"}, paramLabel = "DURATION",
                description = "Consumption cycle per client address, 1m..366d; cycles start on multiples of it since "
                        + "the unix epoch (1d resets at 00:00 UTC) (default: " + BackendConfig.DEFAULT_CONSUMPTION_CYCLE + ")")
        String consumptionCycle;

        @Option(names = {"-max-tracked-clients", "--max-tracked-clients"}, paramLabel = "N",
                description = "Client addresses the top-K consumption table holds (Space-Saving), 1..100000 "
                        + "(default: " + BackendConfig.DEFAULT_MAX_TRACKED_CLIENTS + ")")
        String maxTrackedClients;

        @Option(names = {"-top-consumers", "--top-consumers"}, paramLabel = "N",
                description = "Top consumers shown in the stats and /metrics, 1..1000 and at most max-tracked-clients "
                        + "(default: " + BackendConfig.DEFAULT_TOP_CONSUMERS + ")")
        String topConsumers;

        @Option(names = {"-config", "--config"}, paramLabel = "FILE",
                description = "Java properties file whose keys are the option names without dashes "
                        + "(e.g. grpc=127.0.0.1:9090); flags on the command line win (default: none)")
        String config;

        @Option(names = {"-help", "--help"}, usageHelp = true, description = "Print this help and exit")
        boolean help;
    }
}
