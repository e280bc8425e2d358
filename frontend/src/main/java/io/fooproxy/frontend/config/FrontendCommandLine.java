package io.fooproxy.frontend.config;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The frontend's command line: {@code -listen :8002 -forward localhost:8001 ...} (each option
 * also with two dashes, and as {@code -key=value}), {@code -help}, and {@code -config FILE}, a
 * Java properties file keyed by the option names. Precedence: command line, then file, then
 * defaults. The file is read by {@link #toConfig}, so calling it again (SIGHUP) re-reads it.
 */
public final class FrontendCommandLine {
    private static final String COMMAND_NAME = "foo-proxy-frontend";

    private final Map<ConfigKey, String> flags;
    private final boolean helpRequested;
    private final String usage;

    private FrontendCommandLine(Map<ConfigKey, String> flags, boolean helpRequested, String usage) {
        this.flags = flags;
        this.helpRequested = helpRequested;
        this.usage = usage;
    }

    /** @throws ConfigException for an unknown option, a missing value or a stray argument */
    public static FrontendCommandLine parse(String... args) {
        requireNonNull(args, "args");
        CommandLine commandLine = new CommandLine(spec());
        commandLine.setPosixClusteredShortOptionsAllowed(false);
        ParseResult result;
        try {
            result = commandLine.parseArgs(args);
        } catch (ParameterException e) {
            throw new ConfigException(oneLine(e.getMessage()));
        }
        Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
        for (OptionSpec option : result.matchedOptions()) {
            if (option.usageHelp()) {
                continue;
            }
            String name = option.longestName().replaceFirst("^-+", "");
            ConfigKey key = ConfigKey.byKey(name).orElseThrow(() -> new IllegalStateException(name));
            flags.put(key, option.getValue());
        }
        return new FrontendCommandLine(Collections.unmodifiableMap(flags),
                commandLine.isUsageHelpRequested(), commandLine.getUsageMessage(CommandLine.Help.Ansi.OFF));
    }

    private static CommandSpec spec() {
        CommandSpec spec = CommandSpec.create().name(COMMAND_NAME);
        // wide enough that no option's default is wrapped onto a second line
        spec.usageMessage().width(120).sortOptions(false).description(
                "Relays Foo protocol clients to an upstream server and reports what it sees.",
                "SIGUSR2 prints the stats JSON line on stdout; SIGHUP re-reads -config and applies the",
                "options marked [SIGHUP]; SIGTERM stops accepting, drains and exits.");
        for (ConfigKey key : ConfigKey.values()) {
            String shown = (key.defaultText().isEmpty() ? "" : " (default: " + key.defaultText() + ")")
                    + (key.reloadable() ? " [SIGHUP]" : "");
            spec.addOption(OptionSpec.builder("-" + key.key(), "--" + key.key())
                    .paramLabel(key.paramLabel())
                    .type(String.class)
                    .description(key.description() + shown)
                    .build());
        }
        spec.addOption(OptionSpec.builder("-help", "--help")
                .usageHelp(true)
                .description("show this help and exit")
                .build());
        return spec;
    }

    private static String oneLine(String message) {
        return message == null ? "invalid command line" : message.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    public boolean helpRequested() {
        return helpRequested;
    }

    /** The help text listing every option with its default. */
    public String usage() {
        return usage;
    }

    /** The values given on the command line itself (not from the file), by key. */
    public Map<ConfigKey, String> flags() {
        return flags;
    }

    /**
     * Reads the {@code -config} file (if any), lays the command line over it and over the
     * defaults, and validates the result.
     *
     * @param hostname supplies the host part of the default frontend id
     * @throws ConfigException naming the first bad key
     */
    public FrontendConfig toConfig(Supplier<String> hostname) {
        requireNonNull(hostname, "hostname");
        Optional<Path> file = Optional.ofNullable(flags.get(ConfigKey.CONFIG)).map(FrontendCommandLine::path);
        Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
        file.ifPresent(f -> values.putAll(readFile(f)));
        values.putAll(flags);

        Endpoint listen = endpoint(values, ConfigKey.LISTEN);
        String frontendId = values.get(ConfigKey.FRONTEND_ID);
        if (frontendId == null) {
            frontendId = hostname.get() + ":" + listen.port();
        }
        Limits limits = new Limits(
                integer(values, ConfigKey.MAX_CONNECTIONS),
                integer(values, ConfigKey.MAX_CONNECTIONS_PER_IP),
                duration(values, ConfigKey.CLIENT_IDLE_TIMEOUT),
                duration(values, ConfigKey.UPSTREAM_IDLE_TIMEOUT),
                duration(values, ConfigKey.CONNECT_TIMEOUT),
                integer(values, ConfigKey.MAX_LINE_LENGTH),
                integer(values, ConfigKey.REQ_RATE_PER_IP),
                integer(values, ConfigKey.REQ_BURST_PER_IP),
                duration(values, ConfigKey.DRAIN_TIMEOUT));
        AccessRules access = new AccessRules(blocks(values, ConfigKey.ALLOW), blocks(values, ConfigKey.DENY));
        AnalyticsSettings analytics = new AnalyticsSettings(
                AnalyticsSettings.parseSwitch(value(values, ConfigKey.ANALYTICS)),
                integer(values, ConfigKey.MAX_OUTSTANDING_REQUESTS),
                integer(values, ConfigKey.MAX_CLIENTS_PER_BATCH));
        return new FrontendConfig(
                listen,
                endpoint(values, ConfigKey.FORWARD),
                endpoint(values, ConfigKey.BACKEND),
                frontendId,
                duration(values, ConfigKey.FLUSH_INTERVAL),
                value(values, ConfigKey.LOG_LEVEL),
                limits,
                access,
                analytics,
                file,
                onOff(values, ConfigKey.TELEMETRY),
                TransportChoice.parse(value(values, ConfigKey.TRANSPORT)));
    }

    /** This machine's name for the default frontend id; never fails. */
    public static String localHostname() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            if (name != null && !name.isBlank()) {
                return name;
            }
        } catch (UnknownHostException | SecurityException e) {
            // fall through to the environment: a container without a resolvable name still has one
        }
        String env = System.getenv("HOSTNAME");
        return env != null && !env.isBlank() ? env.trim() : "localhost";
    }

    private static Path path(String text) {
        if (text.isBlank()) {
            throw new ConfigException(ConfigKey.CONFIG.key(), "empty file name");
        }
        try {
            return Path.of(text.trim());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(ConfigKey.CONFIG.key(), "'" + text + "' is not a file name");
        }
    }

    private static Map<ConfigKey, String> readFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new ConfigException(ConfigKey.CONFIG.key(), "cannot read " + file + ": no such file");
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(ConfigKey.CONFIG.key(), "cannot read " + file + ": " + oneLine(e.toString()));
        }
        Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
        for (String name : properties.stringPropertyNames()) {
            ConfigKey key = ConfigKey.byKey(name)
                    .orElseThrow(() -> new ConfigException(name, "unknown key in " + file));
            if (key == ConfigKey.CONFIG) {
                throw new ConfigException(name, "a config file cannot name another config file (" + file + ")");
            }
            values.put(key, properties.getProperty(name).trim());
        }
        return values;
    }

    private static boolean onOff(Map<ConfigKey, String> values, ConfigKey key) {
        String text = value(values, key).trim();
        return switch (text) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new ConfigException(key.key(), "'" + text + "' is not on or off");
        };
    }

    private static String value(Map<ConfigKey, String> values, ConfigKey key) {
        return values.getOrDefault(key, key.defaultText());
    }

    private static Endpoint endpoint(Map<ConfigKey, String> values, ConfigKey key) {
        try {
            return Endpoint.parse(value(values, key));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key.key(), e.getMessage());
        }
    }

    private static Duration duration(Map<ConfigKey, String> values, ConfigKey key) {
        try {
            return Durations.parse(value(values, key));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key.key(), e.getMessage());
        }
    }

    private static List<CidrBlock> blocks(Map<ConfigKey, String> values, ConfigKey key) {
        try {
            return AccessRules.parseList(value(values, key));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key.key(), e.getMessage());
        }
    }

    private static int integer(Map<ConfigKey, String> values, ConfigKey key) {
        String text = value(values, key).trim();
        if (!text.matches("-?[0-9]{1,10}")) {
            throw new ConfigException(key.key(), "'" + text + "' is not a whole number in range");
        }
        long n = Long.parseLong(text);
        if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
            throw new ConfigException(key.key(), text + " out of range");
        }
        return (int) n;
    }
}
