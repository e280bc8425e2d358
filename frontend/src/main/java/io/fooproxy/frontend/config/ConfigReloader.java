package io.fooproxy.frontend.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP: re-reads the configuration and applies what can change while running: every {@link
 * ConfigKey#reloadable() reloadable} key (log level, limits, timeouts, REQ quota, access rules,
 * drain deadline). Each changed key that needs a restart is named in the log and keeps its old
 * value. A file that no longer parses is logged and the running settings stay, all of them.
 */
public final class ConfigReloader {
    private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);

    private final Supplier<FrontendConfig> source;
    private final Consumer<String> logLevelSetter;
    private final Consumer<FrontendConfig> applier;
    private FrontendConfig current;

    /**
     * @param source         reads the configuration again (command line over the re-read file)
     * @param initial        the settings the process runs with
     * @param logLevelSetter applies a log level (TRACE..ERROR) to the root logger
     * @param applier        puts the other reloadable settings in force (limits, access rules)
     */
    public ConfigReloader(Supplier<FrontendConfig> source, FrontendConfig initial, Consumer<String> logLevelSetter,
            Consumer<FrontendConfig> applier) {
        this.source = requireNonNull(source, "source");
        this.current = requireNonNull(initial, "initial");
        this.logLevelSetter = requireNonNull(logLevelSetter, "logLevelSetter");
        this.applier = requireNonNull(applier, "applier");
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
        // remember only what was applied, so the restart warning repeats until a restart happens
        FrontendConfig applied = current.withReloadableFrom(next);
        List<ConfigKey> reloaded = changed.stream().filter(ConfigKey::reloadable).toList();
        if (!reloaded.isEmpty()) {
            if (reloaded.contains(ConfigKey.LOG_LEVEL)) {
                logLevelSetter.accept(applied.logLevel());
            }
            applier.accept(applied);
            log.info("reload: applied {}", reloaded.stream()
                    .map(k -> k.key() + " '" + current.valueOf(k) + "' -> '" + applied.valueOf(k) + "'")
                    .collect(Collectors.joining(", ")));
        }
        List<ConfigKey> needRestart = changed.stream().filter(k -> !k.reloadable()).toList();
        if (!needRestart.isEmpty()) {
            log.warn("reload: changed keys need a restart to take effect (old values stay in force): {}",
                    needRestart.stream().map(ConfigKey::key).collect(Collectors.joining(", ")));
        }
        current = applied;
    }

    /** The settings in effect now. */
    public synchronized FrontendConfig current() {
        return current;
    }
}
