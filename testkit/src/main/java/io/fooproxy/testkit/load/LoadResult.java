package io.fooproxy.testkit.load;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Optional;

/**
 * What a load run did. Counts cover the whole run, warm-up included, so they equal what a proxy
 * in between saw; {@code durationSeconds}, {@code answersPerSecond} and the latencies cover the
 * measurement after the warm-up.
 *
 * @param requestsSent     REQs written to the socket successfully
 * @param answersReceived  complete ACK/NAK lines with the expected Seq
 * @param acks             of which ACK
 * @param naks             of which NAK
 * @param errors           failed connects, resets, early closes by the server, malformed or
 *                         out-of-order answers, and connections still waiting for answers at the end
 * @param durationSeconds  measured sending time
 * @param answersPerSecond answers received during the measurement divided by its duration
 * @param latencyMicros    REQ written to its answer read, in microseconds
 * @param firstError       the first error's description, if any
 */
public record LoadResult(long requestsSent, long answersReceived, long acks, long naks, long errors,
                         double durationSeconds, double answersPerSecond, Latency latencyMicros,
                         Optional<String> firstError) {

    public LoadResult {
        requireNonNull(latencyMicros, "latencyMicros");
        requireNonNull(firstError, "firstError");
    }

    /** Latency percentiles in microseconds (0 when nothing was measured). */
    public record Latency(double p50, double p90, double p99, double p999, double max) {}

    /** The one JSON line the {@code load} command prints. */
    public String toJson() {
        return String.format(Locale.ROOT,
                "{\"requests_sent\":%d,\"answers_received\":%d,\"acks\":%d,\"naks\":%d,\"errors\":%d,"
                        + "\"duration_seconds\":%.3f,\"answers_per_second\":%.1f,"
                        + "\"latency_us\":{\"p50\":%.1f,\"p90\":%.1f,\"p99\":%.1f,\"p999\":%.1f,\"max\":%.1f}}",
                requestsSent, answersReceived, acks, naks, errors, durationSeconds, answersPerSecond,
                latencyMicros.p50(), latencyMicros.p90(), latencyMicros.p99(), latencyMicros.p999(),
                latencyMicros.max());
    }
}
