package io.fooproxy.testkit.config;

import static java.util.Objects.requireNonNull;

/**
 * A setting that cannot be used. Carries the option name (without dashes) so the command line can
 * print the one line {@code config error: <key>: <reason>}.
 */
public final class ConfigException extends IllegalArgumentException {
    private final String key;
    private final String reason;

    public ConfigException(String key, String reason) {
        super(requireNonNull(key, "key") + ": " + requireNonNull(reason, "reason"));
        this.key = key;
        this.reason = reason;
    }

    public String key() {
        return key;
    }

    public String reason() {
        return reason;
    }

    /** The single line printed on stderr. */
    public String toConfigErrorLine() {
        return "config error: " + key + ": " + reason;
    }
}
