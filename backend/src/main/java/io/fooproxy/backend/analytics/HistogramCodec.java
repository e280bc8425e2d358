package io.fooproxy.backend.analytics;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import io.fooproxy.proto.stats.v1.Distribution;
import io.fooproxy.proto.stats.v1.Latency;
import java.nio.ByteBuffer;
import org.HdrHistogram.Histogram;

/**
 * HdrHistogram as the wire carries it (V2 compressed encoding, empty bytes for an empty
 * histogram) and as the stats report it.
 *
 * <p>The backend keeps {@value #SIGNIFICANT_DIGITS} significant digits (every value within 1 %)
 * in auto-resizing histograms: memory follows the range of values actually seen (about 13 KiB for
 * values up to a second in microseconds), whatever precision a frontend encoded with.
 */
public final class HistogramCodec {

    public static final int SIGNIFICANT_DIGITS = 2;
    /** A frontend's histogram is a few KiB; far larger bytes are refused without decoding. */
    public static final int MAX_ENCODED_BYTES = 1 << 20;
    /**
     * At most 4 Mi counts (32 MiB, transient) per decoded histogram: 3 digits up to an hour in µs
     * needs 30 000, even 5 digits up to an hour 2.1 Mi; a header asking for more is refused.
     */
    static final long MAX_COUNTS = 1 << 22;

    private HistogramCodec() {}

    /** An empty, auto-resizing histogram of the backend's precision. */
    public static Histogram newHistogram() {
        return new Histogram(SIGNIFICANT_DIGITS);
    }

    /**
     * The histogram {@code bytes} encode; null for empty bytes. A one-off: a caller that decodes
     * many keeps a {@link HistogramDecoder}.
     *
     * @throws IllegalArgumentException if the bytes are not a V2 compressed HdrHistogram
     */
    public static Histogram decode(ByteString bytes) {
        try (HistogramDecoder decoder = new HistogramDecoder()) {
            return decoder.decode(bytes);
        }
    }

    /** The counts array length HdrHistogram allocates for these parameters. */
    static long countsLength(int digits, long lowest, long highest) {
        long largestSingleUnit = 2 * (long) Math.pow(10, digits);
        int subBucketCountMagnitude = (int) Math.ceil(Math.log(largestSingleUnit) / Math.log(2));
        long subBucketCount = 1L << Math.max(subBucketCountMagnitude, 1);
        int unitMagnitude = 63 - Long.numberOfLeadingZeros(lowest);
        long smallestUntrackable = subBucketCount << unitMagnitude;
        int buckets = 1;
        while (smallestUntrackable <= highest && buckets < 64) {
            if (smallestUntrackable > Long.MAX_VALUE / 2) {
                buckets++;
                break;
            }
            smallestUntrackable <<= 1;
            buckets++;
        }
        return (buckets + 1) * (subBucketCount / 2);
    }

    /** The V2 compressed encoding of {@code h}; empty bytes when it holds nothing. */
    public static ByteString encode(Histogram h) {
        requireNonNull(h, "h");
        if (h.getTotalCount() == 0) {
            return ByteString.EMPTY;
        }
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int length = h.encodeIntoCompressedByteBuffer(buffer);
        return ByteString.copyFrom(buffer.array(), 0, length);
    }

    /** Count, p50/p90/p99/p99.9, max and mean of {@code h}, in its unit (µs for latency). */
    public static Latency latency(Histogram h) {
        if (h.getTotalCount() == 0) {
            return Latency.getDefaultInstance();
        }
        return Latency.newBuilder()
                .setCount(h.getTotalCount())
                .setP50Us(h.getValueAtPercentile(50))
                .setP90Us(h.getValueAtPercentile(90))
                .setP99Us(h.getValueAtPercentile(99))
                .setP999Us(h.getValueAtPercentile(99.9))
                .setMaxUs(h.getMaxValue())
                .setMeanUs(h.getMean())
                .build();
    }

    /** Count, mean, p50, p99 and max of {@code h}. */
    public static Distribution distribution(Histogram h) {
        if (h.getTotalCount() == 0) {
            return Distribution.getDefaultInstance();
        }
        return Distribution.newBuilder()
                .setCount(h.getTotalCount())
                .setMean(h.getMean())
                .setP50(h.getValueAtPercentile(50))
                .setP99(h.getValueAtPercentile(99))
                .setMax(h.getMaxValue())
                .build();
    }
}
