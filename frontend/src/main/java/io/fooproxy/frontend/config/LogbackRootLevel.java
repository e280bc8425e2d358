package io.fooproxy.frontend.config;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Applies {@code log-level} to Logback's root logger (at startup and on SIGHUP). */
public final class LogbackRootLevel {
    private LogbackRootLevel() {}

    /** @param level TRACE, DEBUG, INFO, WARN or ERROR, as {@link FrontendConfig} validated it */
    public static void apply(String level) {
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(Level.toLevel(level, Level.INFO));
        }
    }
}
