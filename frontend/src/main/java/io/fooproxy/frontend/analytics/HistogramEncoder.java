package io.fooproxy.frontend.analytics;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.Deflater;
import org.HdrHistogram.Histogram;

/**
 * Writes histograms in HdrHistogram's V2 compressed encoding, the form the telemetry contract
 * names, with one {@link Deflater} and two buffers kept for every call. Not thread-safe: the
 * publisher thread owns one, for its lifetime (the JDK's cleaner frees the zlib state with it).
 *
 * <p>Why not {@link Histogram#encodeIntoCompressedByteBuffer}: it starts a fresh zlib stream
 * (about 300 KB of native state set up and torn down) and allocates its buffers for every
 * histogram, which made encoding a sixth of the publisher thread's time at 20 batches a second
 * (the 50 ms flush interval then).
 * The bytes are the library's own layout (its decoder reads them; a test holds the two to the
 * same cookie and content): the compressed-encoding cookie, the deflated length, then the
 * deflated {@link Histogram#encodeIntoByteBuffer} output. The fastest compression level is
 * enough here: the uncompressed V2 encoding is already run-length coded.
 */
final class HistogramEncoder {
    /** V2 compressed-encoding cookie with the zero-run flag, as HdrHistogram 2.x writes it. */
    static final int V2_COMPRESSED_COOKIE = 0x1c849314;
    private static final int HEADER_BYTES = 8;

    private final Deflater deflater = new Deflater(Deflater.BEST_SPEED);
    private ByteBuffer plain = ByteBuffer.allocate(0);
    private byte[] out = new byte[0];

    /** The V2 compressed encoding of {@code h}; empty bytes for null or an empty histogram. */
    ByteString encode(Histogram h) {
        if (h == null || h.getTotalCount() == 0) {
            return ByteString.EMPTY;
        }
        int needed = h.getNeededByteBufferCapacity();
        if (plain.capacity() < needed) {
            plain = ByteBuffer.allocate(needed);
        }
        plain.clear();
        int plainLength = h.encodeIntoByteBuffer(plain);
        deflater.reset();
        deflater.setInput(plain.array(), 0, plainLength);
        deflater.finish();
        // deflate never grows its input by more than a few bytes per 16 KiB block plus a header
        int bound = HEADER_BYTES + plainLength + plainLength / 1000 + 64;
        if (out.length < bound) {
            out = new byte[bound];
        }
        int compressed = 0;
        while (!deflater.finished()) {
            if (HEADER_BYTES + compressed == out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            compressed += deflater.deflate(out, HEADER_BYTES + compressed,
                    out.length - HEADER_BYTES - compressed);
        }
        ByteBuffer header = ByteBuffer.wrap(out, 0, HEADER_BYTES);
        header.putInt(V2_COMPRESSED_COOKIE).putInt(compressed);
        return ByteString.copyFrom(out, 0, HEADER_BYTES + compressed);
    }
}
