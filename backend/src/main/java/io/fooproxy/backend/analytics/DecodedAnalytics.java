package io.fooproxy.backend.analytics;

import static java.util.Objects.requireNonNull;

import io.fooproxy.proto.telemetry.v1.Analytics;
import io.fooproxy.proto.telemetry.v1.ClientUsage;
import io.fooproxy.proto.telemetry.v1.LatencySlice;
import io.fooproxy.proto.telemetry.v1.ProtocolCounters;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * A batch's analytics with its histograms decoded. Decoding is the expensive part, so the
 * aggregator does it before taking its lock; a histogram that does not decode is left out (and
 * counted in {@link #rejectedHistograms}) so that one bad field never blocks a frontend's batch.
 *
 * @param latency the latency slices that decoded, in the batch's order
 * @param connectionDurations null when empty
 * @param messagesPerConnection null when empty
 */
public record DecodedAnalytics(
        List<Slice> latency,
        ProtocolCounters protocol,
        Histogram connectionDurations,
        Histogram messagesPerConnection,
        List<ClientUsage> clients,
        ClientUsage otherClients,
        int rejectedHistograms) {

    public static final DecodedAnalytics EMPTY = new DecodedAnalytics(List.of(),
            ProtocolCounters.getDefaultInstance(), null, null, List.of(),
            ClientUsage.getDefaultInstance(), 0);

    public DecodedAnalytics {
        latency = List.copyOf(latency);
        requireNonNull(protocol, "protocol");
        clients = List.copyOf(clients);
        requireNonNull(otherClients, "otherClients");
    }

    /** One 100 ms slice of service times (µs). */
    public record Slice(long startUnixMillis, Histogram histogram) {
        public Slice {
            requireNonNull(histogram, "histogram");
        }
    }

    /**
     * Decodes {@code a} with {@code histograms}; never throws for bad histogram bytes (see {@link
     * #rejectedHistograms}).
     */
    public static DecodedAnalytics decode(Analytics a, HistogramDecoder histograms) {
        requireNonNull(a, "a");
        requireNonNull(histograms, "histograms");
        int rejected = 0;
        List<Slice> slices = new ArrayList<>(a.getLatencyCount());
        for (LatencySlice s : a.getLatencyList()) {
            try {
                Histogram h = histograms.decode(s.getHistogram());
                if (h != null && h.getTotalCount() > 0) {
                    slices.add(new Slice(s.getStartUnixMillis(), h));
                }
            } catch (IllegalArgumentException e) {
                rejected++;
            }
        }
        Histogram durations = null;
        Histogram messages = null;
        try {
            durations = histograms.decode(a.getConnectionDurationMillis());
        } catch (IllegalArgumentException e) {
            rejected++;
        }
        try {
            messages = histograms.decode(a.getMessagesPerConnection());
        } catch (IllegalArgumentException e) {
            rejected++;
        }
        return new DecodedAnalytics(slices, a.getProtocol(), durations, messages,
                a.getClientsList(), a.getOtherClients(), rejected);
    }
}
