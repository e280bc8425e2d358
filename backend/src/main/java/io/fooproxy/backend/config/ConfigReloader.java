package io.fooproxy.backend.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP: re-reads the config, applies the reloadable keys and says which changed keys only a
 * restart would apply. A bad file leaves the running settings as they are.
 */
public final class ConfigReloader {
    private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);

    private final ConfigLoader loader;
    private final Consumer<LogLevel> logLevelSink;
    private BackendConfig applied; // guarded by this

    /** What a reload did. */
    public record Result(List<String> applied, List<String> needRestart) {
        public Result {
            applied = List.copyOf(applied);
            needRestart = List.copyOf(needRestart);
        }
    }

    public ConfigReloader(ConfigLoader loader, BackendConfig running, Consumer<LogLevel> logLevelSink) {
        this.loader = requireNonNull(loader, "loader");
        this.applied = requireNonNull(running, "running");
        this.logLevelSink = requireNonNull(logLevelSink, "logLevelSink");
    }

    /** Re-reads and applies; throws {@link ConfigException} (nothing applied) on a bad file. */
    public synchronized Result reload() {
        BackendConfig fresh = loader.load();
        List<String> changed = applied.changedKeys(fresh);
        List<String> reloadable = changed.stream().filter(BackendConfig.RELOADABLE_KEYS::contains).toList();
        List<String> restart = changed.stream().filter(k -> !BackendConfig.RELOADABLE_KEYS.contains(k)).toList();
        if (reloadable.contains(BackendConfig.LOG_LEVEL)) {
            logLevelSink.accept(fresh.logLevel());
        }
        // remember only what was applied, so the restart warning repeats until someone restarts
        applied = new BackendConfig(applied.grpc(), applied.http(), applied.recoveryPath(),
                applied.persistInterval(), fresh.logLevel(), applied.consumptionCycle(),
                applied.maxTrackedClients(), applied.topConsumers());
        return new Result(reloadable, restart);
    }

    /** {@link #reload()} with its outcome logged; for the signal handler. */
    public void reloadAndLog() {
        try {
            Result result = reload();
            if (result.applied().isEmpty() && result.needRestart().isEmpty()) {
                log.info("config reloaded from {}: nothing changed", source());
            } else {
                if (!result.applied().isEmpty()) {
                    log.info("config reloaded from {}: applied {}", source(), String.join(", ", result.applied()));
                }
                if (!result.needRestart().isEmpty()) {
                    log.warn("config reloaded from {}: changed keys that need a restart: {}", source(),
                            String.join(", ", result.needRestart()));
                }
            }
        } catch (ConfigException e) {
            log.error("config reload failed, keeping the running settings: {}", e.getMessage());
        }
    }

    private String source() {
        return loader.configFile().map(Object::toString).orElse("the command line (no -config file)");
    }
}
