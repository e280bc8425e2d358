package io.fooproxy.backend.analytics;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/** How the top consumers are ranked. */
public enum ConsumerOrder {
    MESSAGES,
    BYTES;

    /**
     * "messages" (also "") or "bytes", case-insensitive.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static ConsumerOrder parse(String text) {
        requireNonNull(text, "text");
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "", "messages" -> MESSAGES;
            case "bytes" -> BYTES;
            default -> throw new IllegalArgumentException(
                    "order_by must be \"messages\" or \"bytes\", got \"" + text + "\"");
        };
    }
}
