package io.fooproxy.backend.analytics;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import io.fooproxy.proto.stats.v1.Distribution;
import io.fooproxy.proto.stats.v1.Latency;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
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
    private static final int HEADER_BYTES = 40;

    private HistogramCodec() {}

    /** An empty, auto-resizing histogram of the backend's precision. */
    public static Histogram newHistogram() {
        return new Histogram(SIGNIFICANT_DIGITS);
    }

    /**
     * The histogram {@code bytes} encode; null for empty bytes.
     *
     * @throws IllegalArgumentException if the bytes are not a V2 compressed HdrHistogram
     */
    public static Histogram decode(ByteString bytes) {
        requireNonNull(bytes, "bytes");
        if (bytes.isEmpty()) {
            return null;
        }
        if (bytes.size() > MAX_ENCODED_BYTES) {
            throw new IllegalArgumentException("histogram of " + bytes.size() + " bytes, over "
                    + MAX_ENCODED_BYTES);
        }
        checkHeader(bytes);
        Histogram decoded;
        try {
            decoded = Histogram.decodeFromCompressedByteBuffer(bytes.asReadOnlyByteBuffer(), 2);
        } catch (DataFormatException | RuntimeException e) {
            throw new IllegalArgumentException("not an HdrHistogram V2 compressed encoding: " + e, e);
        }
        if (decoded.getNumberOfSignificantValueDigits() == SIGNIFICANT_DIGITS) {
            return decoded;
        }
        // once here, outside the aggregator's lock: adding histograms of equal precision under it
        // is then a plain array walk instead of a value-by-value re-recording
        Histogram h = newHistogram();
        h.add(decoded);
        return h;
    }

    /**
     * Refuses an encoding whose header asks for a huge counts array before HdrHistogram allocates
     * it: the header (inside the deflated part) names the precision and the value range, and the
     * decoder sizes its array from them, whatever the payload holds.
     */
    private static void checkHeader(ByteString bytes) {
        ByteBuffer outer = bytes.asReadOnlyByteBuffer();
        if (outer.remaining() < 8) {
            throw new IllegalArgumentException("histogram of " + bytes.size() + " bytes is too short");
        }
        outer.getInt(); // cookie, checked by the decoder
        int compressedLength = outer.getInt();
        if (compressedLength <= 0 || compressedLength > outer.remaining()) {
            throw new IllegalArgumentException("histogram's compressed length " + compressedLength
                    + " does not fit its " + bytes.size() + " bytes");
        }
        byte[] header = new byte[HEADER_BYTES];
        Inflater inflater = new Inflater();
        try {
            byte[] compressed = new byte[compressedLength];
            outer.get(compressed);
            inflater.setInput(compressed);
            int n = 0;
            while (n < HEADER_BYTES && !inflater.finished() && !inflater.needsInput()) {
                n += inflater.inflate(header, n, HEADER_BYTES - n);
            }
            if (n < HEADER_BYTES) {
                throw new IllegalArgumentException("histogram header is cut short");
            }
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("histogram does not inflate: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
        ByteBuffer h = ByteBuffer.wrap(header);
        h.getInt(); // cookie
        h.getInt(); // payload length
        h.getInt(); // normalizing index offset
        int digits = h.getInt();
        long lowest = h.getLong();
        long highest = h.getLong();
        if (digits < 0 || digits > 5 || lowest < 1 || highest < 2 * lowest) {
            throw new IllegalArgumentException("histogram header out of range (digits " + digits
                    + ", lowest " + lowest + ", highest " + highest + ")");
        }
        if (countsLength(digits, lowest, highest) > MAX_COUNTS) {
            throw new IllegalArgumentException("histogram of " + digits + " digits up to " + highest
                    + " needs more than " + MAX_COUNTS + " counts");
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
