package io.fooproxy.backend.config;

import static java.util.Objects.requireNonNull;

import ch.qos.logback.classic.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies {@code -log-level} to Logback's root logger (at startup and on SIGHUP). */
public final class RootLogLevel {
    private RootLogLevel() {}

    /** Returns false when SLF4J is not bound to Logback, so there was nothing to set. */
    public static boolean apply(LogLevel level) {
        requireNonNull(level, "level");
        Logger root = LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        if (root instanceof ch.qos.logback.classic.Logger logback) {
            logback.setLevel(Level.toLevel(level.name()));
            return true;
        }
        return false;
    }
}
