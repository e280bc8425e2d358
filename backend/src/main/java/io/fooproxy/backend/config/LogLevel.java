package io.fooproxy.backend.config;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/** The levels {@code -log-level} accepts. */
public enum LogLevel {
    TRACE, DEBUG, INFO, WARN, ERROR;

    public static LogLevel parse(String key, String text) {
        requireNonNull(key, "key");
        requireNonNull(text, "text");
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "unknown level '" + text + "' (expected TRACE, DEBUG, INFO, WARN or ERROR)");
        }
    }
}
