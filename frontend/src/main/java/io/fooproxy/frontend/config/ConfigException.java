package io.fooproxy.frontend.config;

/**
 * A setting that cannot be used. The message is one line that names the key and the reason,
 * e.g. {@code listen: port 99999 out of range}; the process prints it after "config error: ".
 */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String key, String reason) {
        super(key + ": " + reason);
    }

    /** For errors already phrased with their option name (the command-line parser's). */
    public ConfigException(String message) {
        super(message);
    }
}
