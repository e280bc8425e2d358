package io.fooproxy.backend.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.Deflater;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class HistogramDecoderTest {

    private final HistogramDecoder decoder = new HistogramDecoder();

    @Test
    void oneDecoderReadsHistogramsOfEveryRangeAndPrecisionInTurn() {
        Histogram wide = new Histogram(1, 3_600_000_000L, 3);
        for (long v = 1; v < 3_600_000_000L; v *= 3) {
            wide.recordValueWithCount(v, v % 7 + 1);
        }
        Histogram narrow = new Histogram(1, 1_000, 2);
        narrow.recordValue(7);
        narrow.recordValue(999);

        for (Histogram original : new Histogram[] {wide, narrow, wide, narrow}) {
            Histogram back = decoder.decode(libraryEncoding(original));
            assertThat(back.getTotalCount()).as("count").isEqualTo(original.getTotalCount());
            assertThat(back.getNumberOfSignificantValueDigits()).as("digits")
                    .isEqualTo(HistogramCodec.SIGNIFICANT_DIGITS);
            assertThat(back.getMaxValue()).as("max, within the backend's 1 %")
                    .isBetween(original.getMaxValue() * 99 / 100, original.getMaxValue() * 101 / 100);
            assertThat(back.getValueAtPercentile(50)).as("median, within 1 %")
                    .isBetween(original.getValueAtPercentile(50) * 99 / 100,
                            original.getValueAtPercentile(50) * 101 / 100);
        }
    }

    @Test
    void emptyBytesAreNoHistogram() {
        assertThat(decoder.decode(ByteString.EMPTY)).isNull();
    }

    @Test
    void aWrongCookieIsRefused() {
        byte[] bytes = libraryEncoding(oneValue()).toByteArray();
        bytes[3] = 0x13; // the uncompressed encoding's cookie
        assertThatThrownBy(() -> decoder.decode(ByteString.copyFrom(bytes)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cookie");
    }

    @Test
    void aCompressedLengthBeyondTheBytesIsRefused() {
        byte[] bytes = libraryEncoding(oneValue()).toByteArray();
        ByteBuffer.wrap(bytes).putInt(4, bytes.length);
        assertThatThrownBy(() -> decoder.decode(ByteString.copyFrom(bytes)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit");
    }

    @Test
    void aCutDeflateStreamIsRefused() {
        ByteString whole = libraryEncoding(oneValue());
        int cut = 8 + (whole.size() - 8) / 2; // half the deflated bytes: the payload cannot be whole
        byte[] bytes = whole.substring(0, cut).toByteArray();
        ByteBuffer.wrap(bytes).putInt(4, cut - 8);
        assertThatThrownBy(() -> decoder.decode(ByteString.copyFrom(bytes)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cut short");
    }

    @Test
    void aPayloadLengthNoCountsArrayCouldNeedIsRefusedBeforeAllocating() {
        Histogram h = oneValue();
        ByteBuffer plain = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoByteBuffer(plain);
        plain.putInt(4, 1_500_000_000); // the payload length the header claims
        assertThatThrownBy(() -> decoder.decode(deflated(plain.array(), n)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("payload of 1500000000 bytes");
    }

    @Test
    void theDecoderStillWorksAfterRefusingGarbage() {
        assertThatThrownBy(() -> decoder.decode(ByteString.copyFrom(new byte[] {
                0x1c, (byte) 0x84, (byte) 0x93, 0x14, 0, 0, 0, 5, 1, 2, 3, 4, 5})))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(decoder.decode(libraryEncoding(oneValue())).getTotalCount()).isEqualTo(1);
    }

    private static Histogram oneValue() {
        Histogram h = new Histogram(1, 60_000_000, 2);
        h.recordValue(1234);
        return h;
    }

    /** What a frontend sends: the library's own compressed encoding. */
    private static ByteString libraryEncoding(Histogram h) {
        ByteBuffer b = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoCompressedByteBuffer(b);
        return ByteString.copyFrom(b.array(), 0, n);
    }

    /** The compressed layout around arbitrary plain bytes: cookie, deflated length, deflated. */
    private static ByteString deflated(byte[] plain, int length) {
        Deflater deflater = new Deflater();
        deflater.setInput(plain, 0, length);
        deflater.finish();
        byte[] out = new byte[length + 1024];
        int n = deflater.deflate(out, 8, out.length - 8);
        deflater.end();
        ByteBuffer.wrap(out).putInt(0x1c849314).putInt(n);
        return ByteString.copyFrom(Arrays.copyOf(out, 8 + n));
    }
}
