package io.fooproxy.frontend.config;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Durations written the way Go's flag package writes them, as the classic Foo proxy did:
 * {@code 500ms}, {@code 5s}, {@code 1m}, {@code 1.5s}, {@code 1m30s}; units ns, us, ms, s, m,
 * h. A bare {@code 0} is zero; any other number needs a unit.
 */
public final class Durations {
    private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

    private Durations() {}

    /** @throws IllegalArgumentException with a reason that does not repeat the key */
    public static Duration parse(String text) {
        requireNonNull(text, "text");
        String s = text.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty duration (use e.g. 500ms, 5s, 1m)");
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        BigDecimal nanos = BigDecimal.ZERO;
        int i = 0;
        while (i < s.length()) {
            int numberStart = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            int unitStart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            String number = s.substring(numberStart, unitStart);
            String unit = s.substring(unitStart, i);
            if (number.isEmpty()) {
                throw new IllegalArgumentException("'" + text + "' is not a duration (use e.g. 500ms, 5s, 1m)");
            }
            if (unit.isEmpty()) {
                throw new IllegalArgumentException("'" + text + "' has no unit (use ms, s, m or h)");
            }
            BigDecimal value;
            try {
                value = new BigDecimal(number);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + number + "' is not a number");
            }
            nanos = nanos.add(value.multiply(BigDecimal.valueOf(nanosPerUnit(unit, text))));
            if (nanos.compareTo(MAX_NANOS) > 0) {
                throw new IllegalArgumentException("'" + text + "' is too long");
            }
        }
        return Duration.ofNanos(nanos.longValue());
    }

    private static long nanosPerUnit(String unit, String text) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> throw new IllegalArgumentException(
                    "unknown unit '" + unit + "' in '" + text + "' (use ms, s, m or h)");
        };
    }

    /** The shortest notation {@link #parse} reads back to the same value, e.g. {@code 50ms}. */
    public static String format(Duration d) {
        requireNonNull(d, "d");
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0";
        }
        if (nanos % 3_600_000_000_000L == 0) {
            return nanos / 3_600_000_000_000L + "h";
        }
        if (nanos % 60_000_000_000L == 0) {
            return nanos / 60_000_000_000L + "m";
        }
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
