package io.fooproxy.frontend.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP: re-reads the configuration and applies what can change while running. Today that is
 * only {@code log-level}; every other changed key is logged as needing a restart. A file that
 * no longer parses is logged and the running settings stay.
 */
public final class ConfigReloader {
    private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);

    private final Supplier<FrontendConfig> source;
    private final Consumer<String> logLevelSetter;
    private FrontendConfig current;

    /**
     * @param source         reads the configuration again (command line over the re-read file)
     * @param initial        the settings the process runs with
     * @param logLevelSetter applies a log level (TRACE..ERROR) to the root logger
     */
    public ConfigReloader(Supplier<FrontendConfig> source, FrontendConfig initial, Consumer<String> logLevelSetter) {
        this.source = requireNonNull(source, "source");
        this.current = requireNonNull(initial, "initial");
        this.logLevelSetter = requireNonNull(logLevelSetter, "logLevelSetter");
    }

    /** Re-reads and applies; never throws. Signals may arrive concurrently, hence synchronized. */
    public synchronized void reload() {
        log.info("reload requested");
        if (current.configFile().isEmpty()) {
            log.info("no -config file given: nothing to reload");
            return;
        }
        FrontendConfig next;
        try {
            next = source.get();
        } catch (ConfigException e) {
            log.error("reload rejected, keeping the running settings: config error: {}", e.getMessage());
            return;
        }
        List<ConfigKey> changed = current.changedKeys(next);
        if (changed.isEmpty()) {
            log.info("reload: no setting changed");
            return;
        }
        if (changed.contains(ConfigKey.LOG_LEVEL)) {
            logLevelSetter.accept(next.logLevel());
            log.info("reload: log-level {} -> {}", current.logLevel(), next.logLevel());
        }
        List<ConfigKey> needRestart = changed.stream().filter(k -> k != ConfigKey.LOG_LEVEL).toList();
        if (!needRestart.isEmpty()) {
            log.warn("reload: changed keys need a restart to take effect: {}",
                    needRestart.stream().map(ConfigKey::key).collect(Collectors.joining(", ")));
        }
        // remember only what was applied, so the restart warning repeats until a restart happens
        current = withLogLevel(current, next.logLevel());
    }

    /** The settings in effect now. */
    public synchronized FrontendConfig current() {
        return current;
    }

    private static FrontendConfig withLogLevel(FrontendConfig c, String logLevel) {
        return new FrontendConfig(c.listen(), c.forward(), c.backend(), c.frontendId(), c.maxLineLength(),
                c.connectTimeout(), c.flushInterval(), logLevel, c.configFile());
    }
}
