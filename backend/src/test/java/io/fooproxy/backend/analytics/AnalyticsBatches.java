package io.fooproxy.backend.analytics;

import com.google.protobuf.ByteString;
import io.fooproxy.proto.telemetry.v1.Analytics;
import io.fooproxy.proto.telemetry.v1.ClientUsage;
import io.fooproxy.proto.telemetry.v1.LatencySlice;
import io.fooproxy.proto.telemetry.v1.TelemetryBatch;
import java.nio.ByteBuffer;
import org.HdrHistogram.Histogram;

/** Builds analytics for test batches the way a frontend encodes them (3 significant digits). */
public final class AnalyticsBatches {
    private AnalyticsBatches() {}

    /** A histogram holding each of {@code values}, V2-compressed. */
    public static ByteString histogram(long... values) {
        Histogram h = new Histogram(3);
        for (long v : values) {
            h.recordValue(v);
        }
        ByteBuffer b = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoCompressedByteBuffer(b);
        return ByteString.copyFrom(b.array(), 0, n);
    }

    public static LatencySlice slice(long start, long... micros) {
        return LatencySlice.newBuilder().setStartUnixMillis(start).setHistogram(histogram(micros)).build();
    }

    public static ClientUsage client(String address, long messages, long bytes) {
        return ClientUsage.newBuilder().setAddress(address).setMessages(messages).setBytes(bytes).build();
    }

    /** A batch with only {@code analytics} and a watermark. */
    public static TelemetryBatch batch(String frontendId, long incarnation, long sequence, long watermark,
            Analytics analytics) {
        return TelemetryBatch.newBuilder()
                .setFrontendId(frontendId)
                .setIncarnation(incarnation)
                .setSequence(sequence)
                .setWatermarkUnixMillis(watermark)
                .setAnalytics(analytics)
                .build();
    }
}
