package io.fooproxy.testkit.load;

import java.util.Locale;

/**
 * A once-per-second look at a running load.
 *
 * @param elapsedSeconds   since sending started
 * @param requestsSent     so far
 * @param answersReceived  so far
 * @param errors           so far
 * @param answersPerSecond over the last interval
 */
public record LoadProgress(double elapsedSeconds, long requestsSent, long answersReceived, long errors,
                           double answersPerSecond) {

    /** The progress line the {@code load} command prints on stderr. */
    public String toLine() {
        return String.format(Locale.ROOT, "load: %6.1fs sent=%d answers=%d errors=%d rate=%.0f/s",
                elapsedSeconds, requestsSent, answersReceived, errors, answersPerSecond);
    }
}
