package io.fooproxy.backend.analytics;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.HdrHistogram.Histogram;

/**
 * Reads HdrHistogram's V2 compressed encoding with one {@link Inflater} and two buffers kept from
 * call to call. Not thread-safe: each telemetry stream owns one, since gRPC hands a stream its
 * batches one at a time; the JDK's cleaner frees the zlib state when the stream is gone.
 *
 * <p>Why not {@link Histogram#decodeFromCompressedByteBuffer}: it sets up and tears down a zlib
 * stream and allocates its buffers for every histogram, and the header had to be inflated
 * separately before it anyway (below). Here the bytes are inflated once: the header is checked
 * on the inflated bytes, then the library decodes the plain V2 encoding they hold.
 *
 * <p>The header check refuses an encoding that asks for a huge counts array (HdrHistogram sizes
 * its array from the precision and value range the header names, whatever the payload holds),
 * and a payload length that no counts array of that size could need, before anything that size
 * is allocated.
 */
public final class HistogramDecoder implements AutoCloseable {
    /** The compressed-encoding cookie with its word-size bits (0xf0) cleared. */
    private static final int V2_COMPRESSED_COOKIE_BASE = 0x1c849304;
    private static final int OUTER_HEADER_BYTES = 8;
    /** Cookie, payload length, normalizing offset, digits, lowest, highest, conversion ratio. */
    private static final int HEADER_BYTES = 40;
    /** A count takes at most 9 bytes in the V2 payload (ZigZag LEB128 of a 64-bit value). */
    private static final int MAX_BYTES_PER_COUNT = 9;
    /**
     * Buffers up to this size are kept for the next call; a larger one (a histogram far beyond
     * what a frontend sends, or a header that lies) is used once and dropped, so that no stream
     * holds megabytes for the rest of its life.
     */
    private static final int MAX_KEPT_BYTES = 64 * 1024;

    private final Inflater inflater = new Inflater();
    private byte[] compressed = new byte[1024];
    private byte[] plain = new byte[4096];

    /**
     * The histogram {@code bytes} encode, at the backend's precision; null for empty bytes.
     *
     * @throws IllegalArgumentException if the bytes are not a V2 compressed HdrHistogram
     */
    public Histogram decode(ByteString bytes) {
        requireNonNull(bytes, "bytes");
        if (bytes.isEmpty()) {
            return null;
        }
        if (bytes.size() > HistogramCodec.MAX_ENCODED_BYTES) {
            throw new IllegalArgumentException("histogram of " + bytes.size() + " bytes, over "
                    + HistogramCodec.MAX_ENCODED_BYTES);
        }
        if (bytes.size() < OUTER_HEADER_BYTES) {
            throw new IllegalArgumentException("histogram of " + bytes.size() + " bytes is too short");
        }
        ByteBuffer outer = bytes.asReadOnlyByteBuffer();
        int cookie = outer.getInt();
        if ((cookie & ~0xf0) != V2_COMPRESSED_COOKIE_BASE) {
            throw new IllegalArgumentException("not an HdrHistogram V2 compressed encoding (cookie 0x"
                    + Integer.toHexString(cookie) + ")");
        }
        int compressedLength = outer.getInt();
        if (compressedLength <= 0 || compressedLength > outer.remaining()) {
            throw new IllegalArgumentException("histogram's compressed length " + compressedLength
                    + " does not fit its " + bytes.size() + " bytes");
        }
        byte[] input = compressed;
        if (input.length < compressedLength) {
            input = new byte[compressedLength];
            if (compressedLength <= MAX_KEPT_BYTES) {
                compressed = input;
            }
        }
        bytes.copyTo(input, OUTER_HEADER_BYTES, 0, compressedLength);
        inflater.reset();
        inflater.setInput(input, 0, compressedLength);
        byte[] output = plain;
        inflateFully(output, 0, HEADER_BYTES, "header");
        int payloadLength = checkHeader(ByteBuffer.wrap(output, 0, HEADER_BYTES));
        int total = HEADER_BYTES + payloadLength;
        if (output.length < total) {
            output = new byte[total];
            System.arraycopy(plain, 0, output, 0, HEADER_BYTES);
            if (total <= MAX_KEPT_BYTES) {
                plain = output;
            }
        }
        inflateFully(output, HEADER_BYTES, payloadLength, "payload");
        Histogram decoded;
        try {
            decoded = Histogram.decodeFromByteBuffer(ByteBuffer.wrap(output, 0, total), 2);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not an HdrHistogram V2 compressed encoding: " + e, e);
        }
        if (decoded.getNumberOfSignificantValueDigits() == HistogramCodec.SIGNIFICANT_DIGITS) {
            return decoded;
        }
        // once here, outside the aggregator's lock: adding histograms of equal precision under it
        // is then a plain array walk instead of a value-by-value re-recording
        Histogram h = HistogramCodec.newHistogram();
        h.add(decoded);
        return h;
    }

    /** Frees the zlib state now rather than when this decoder is collected. */
    @Override
    public void close() {
        inflater.end();
    }

    private void inflateFully(byte[] output, int offset, int length, String part) {
        int n = 0;
        try {
            while (n < length && !inflater.finished()) {
                int got = inflater.inflate(output, offset + n, length - n);
                if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                n += got;
            }
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("histogram does not inflate: " + e.getMessage(), e);
        }
        if (n < length) {
            throw new IllegalArgumentException("histogram " + part + " is cut short");
        }
    }

    /** Checks the plain header; returns the payload length it names. */
    private static int checkHeader(ByteBuffer h) {
        h.getInt(); // cookie of the plain encoding, checked by the library's decoder
        int payloadLength = h.getInt();
        h.getInt(); // normalizing index offset
        int digits = h.getInt();
        long lowest = h.getLong();
        long highest = h.getLong();
        if (digits < 0 || digits > 5 || lowest < 1 || highest < 2 * lowest) {
            throw new IllegalArgumentException("histogram header out of range (digits " + digits
                    + ", lowest " + lowest + ", highest " + highest + ")");
        }
        long counts = HistogramCodec.countsLength(digits, lowest, highest);
        if (counts > HistogramCodec.MAX_COUNTS) {
            throw new IllegalArgumentException("histogram of " + digits + " digits up to " + highest
                    + " needs more than " + HistogramCodec.MAX_COUNTS + " counts");
        }
        if (payloadLength < 0 || payloadLength > counts * MAX_BYTES_PER_COUNT) {
            throw new IllegalArgumentException("histogram payload of " + payloadLength
                    + " bytes does not fit " + counts + " counts");
        }
        return payloadLength;
    }
}
