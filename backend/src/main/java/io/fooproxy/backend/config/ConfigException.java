package io.fooproxy.backend.config;

import static java.util.Objects.requireNonNull;

/** A configuration value that cannot be used; the message names the key and the reason. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public ConfigException(String key, String reason) {
        super(requireNonNull(key, "key") + ": " + requireNonNull(reason, "reason"));
        this.key = key;
    }

    /** The option name without dashes (the config file key). */
    public String key() {
        return key;
    }
}
