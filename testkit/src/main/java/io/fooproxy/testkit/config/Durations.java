package io.fooproxy.testkit.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations written as {@code 10s}, {@code 5ms}, {@code 1.5s}, {@code 2m}; a bare number is seconds. */
public final class Durations {
    private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|ms|s|m|h)?");

    private Durations() {}

    public static Duration parse(String key, String text) {
        if (text == null) {
            throw new ConfigException(key, "duration is empty");
        }
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new ConfigException(key, "invalid duration '" + text + "' (expected e.g. 500ms, 10s, 2m)");
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double nanosPerUnit = switch (unit) {
            case "ns" -> 1;
            case "us" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            case "h" -> 3600e9;
            default -> throw new ConfigException(key, "unknown unit '" + unit + "'");
        };
        double nanos = value * nanosPerUnit;
        if (nanos > Long.MAX_VALUE / 2.0) {
            throw new ConfigException(key, "duration '" + text + "' too long");
        }
        return Duration.ofNanos(Math.round(nanos));
    }

    /** Short human form used in logs and help: 1500ms becomes 1.5s. */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        if (nanos % 1_000L == 0) {
            return nanos / 1_000L + "us";
        }
        return nanos + "ns";
    }
}
