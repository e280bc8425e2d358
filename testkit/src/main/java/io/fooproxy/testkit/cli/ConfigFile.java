package io.fooproxy.testkit.cli;

import io.fooproxy.testkit.config.ConfigException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code -config FILE}: a properties file whose keys are option names without dashes. Its values
 * become the options' defaults, so anything given on the command line still wins.
 */
final class ConfigFile {
    private ConfigFile() {}

    /** The file named by {@code -config}/{@code --config} in {@code args}, found before parsing. */
    static Optional<Path> find(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if ((a.equals("-config") || a.equals("--config")) && i + 1 < args.length) {
                return Optional.of(Path.of(args[i + 1]));
            }
            if (a.startsWith("-config=") || a.startsWith("--config=")) {
                return Optional.of(Path.of(a.substring(a.indexOf('=') + 1)));
            }
        }
        return Optional.empty();
    }

    static Properties load(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("config", "cannot read " + file + ": " + e.getMessage());
        }
        return properties;
    }

    /** Rejects keys that name no option of {@code command}. */
    static void checkKeys(Properties properties, CommandSpec command, Path file) {
        Set<String> known = new TreeSet<>();
        for (OptionSpec option : command.options()) {
            known.add(key(option));
        }
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
            if (!known.contains(key) || key.equals("config")) {
                throw new ConfigException(key, "unknown option in " + file + " (known: " + known + ")");
            }
        }
    }

    static IDefaultValueProvider defaults(Properties properties) {
        return arg -> arg instanceof OptionSpec option ? trimmed(properties.getProperty(key(option))) : null;
    }

    /** The option's name without dashes: {@code --nak-percent} becomes {@code nak-percent}. */
    static String key(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "");
    }

    private static String trimmed(String value) {
        return value == null ? null : value.trim();
    }
}
