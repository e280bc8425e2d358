package io.fooproxy.frontend.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class HistogramEncoderTest {
    private final HistogramEncoder encoder = new HistogramEncoder();

    @Test
    void theLibrarysDecoderReadsBackEveryCount() throws Exception {
        Histogram h = Histograms.latency();
        Random random = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            Histograms.record(h, (long) Math.exp(random.nextDouble() * 15)); // 1 µs … 3 s
        }
        Histograms.record(h, Histograms.MAX_LATENCY_MICROS);

        Histogram decoded = decode(encoder.encode(h));

        assertThat(decoded).isEqualTo(h);
        assertThat(decoded.getTotalCount()).isEqualTo(10_001);
        assertThat(decoded.getMaxValue()).isEqualTo(h.getMaxValue());
    }

    @Test
    void writesTheCookieAndLayoutTheLibraryWrites() {
        Histogram h = Histograms.durations();
        h.recordValue(1234);
        ByteBuffer library = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        h.encodeIntoCompressedByteBuffer(library);

        ByteBuffer ours = encoder.encode(h).asReadOnlyByteBuffer();

        assertThat(ours.getInt(0)).isEqualTo(library.getInt(0))
                .isEqualTo(HistogramEncoder.V2_COMPRESSED_COOKIE);
        assertThat(ours.getInt(4)).isEqualTo(ours.remaining() - 8); // the deflated length
    }

    @Test
    void oneEncoderServesHistogramsOfEveryRangeInTurn() throws Exception {
        // the kept buffers must grow and be cleared as the next histogram needs
        Histogram small = new Histogram(1, 1000, 2);
        small.recordValue(7);
        Histogram messages = Histograms.messages();
        for (long v = 1; v < Histograms.MAX_MESSAGES; v *= 3) {
            messages.recordValue(v);
        }
        Histogram latency = Histograms.latency();
        latency.recordValueWithCount(250, 5);

        for (Histogram h : new Histogram[] {small, messages, latency, small, messages}) {
            assertThat(decode(encoder.encode(h))).isEqualTo(h);
        }
    }

    @Test
    void nothingToEncodeIsEmptyBytes() {
        assertThat(encoder.encode(null)).isEqualTo(ByteString.EMPTY);
        assertThat(encoder.encode(Histograms.latency())).isEqualTo(ByteString.EMPTY);
    }

    private static Histogram decode(ByteString bytes) throws Exception {
        return Histogram.decodeFromCompressedByteBuffer(bytes.asReadOnlyByteBuffer(), 0);
    }
}
