package io.fooproxy.frontend.analytics;

import io.fooproxy.proto.telemetry.v1.Analytics;
import io.fooproxy.proto.telemetry.v1.LatencySlice;
import java.nio.ByteBuffer;
import java.util.List;
import org.HdrHistogram.Histogram;

/** Reads the histograms of an {@link Analytics} message back, as the backend would. */
final class Decoded {
    private Decoded() {}

    static Histogram histogram(com.google.protobuf.ByteString bytes) {
        if (bytes.isEmpty()) {
            return new Histogram(2);
        }
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes.toByteArray()), 0);
        } catch (java.util.zip.DataFormatException e) {
            throw new AssertionError(e);
        }
    }

    /** All latency slices of all the given messages, merged. */
    static Histogram latency(List<Analytics> all) {
        Histogram merged = new Histogram(Histograms.MAX_LATENCY_MICROS, 2);
        for (Analytics a : all) {
            for (LatencySlice s : a.getLatencyList()) {
                merged.add(histogram(s.getHistogram()));
            }
        }
        return merged;
    }
}
