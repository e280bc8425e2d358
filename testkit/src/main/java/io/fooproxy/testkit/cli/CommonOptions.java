package io.fooproxy.testkit.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.fooproxy.testkit.config.ConfigException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** Options every testkit command has. */
public final class CommonOptions {
    private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

    @Option(names = {"-help", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = {"-log-level", "--log-level"}, paramLabel = "LEVEL", defaultValue = "INFO",
            description = "TRACE, DEBUG, INFO, WARN or ERROR (logs go to stderr). Default: ${DEFAULT-VALUE}.")
    String logLevel;

    @Option(names = {"-config", "--config"}, paramLabel = "FILE",
            description = "Java properties file of option values, keys without dashes (e.g. connections=10);"
                    + " options on the command line win.")
    Path config;

    /** Sets the root log level; call first in a command. */
    public void applyLogLevel() {
        String level = logLevel.trim().toUpperCase(Locale.ROOT);
        if (!LEVELS.contains(level)) {
            throw new ConfigException("log-level", "'" + logLevel + "' is not one of TRACE, DEBUG, INFO, WARN, ERROR");
        }
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(Level.toLevel(level));
        }
    }
}
