package io.fooproxy.testkit.cli;

import io.fooproxy.testkit.config.Address;
import io.fooproxy.testkit.config.ConfigException;
import io.fooproxy.testkit.config.Durations;
import java.time.Duration;
import java.util.Locale;

/** Turns option text into values, naming the option in every error. */
public final class OptionValues {
    private OptionValues() {}

    public static Address address(String key, String text) {
        return Address.parse(key, text);
    }

    public static Duration duration(String key, String text) {
        return Durations.parse(key, text);
    }

    public static boolean bool(String key, String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new ConfigException(key, "'" + text + "' is not true or false");
        };
    }
}
