package io.fooproxy.backend.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class HistogramCodecTest {

    @Test
    void roundTripAndPrecision() {
        Histogram h = new Histogram(3);
        h.recordValue(1234);
        h.recordValue(5);
        Histogram back = HistogramCodec.decode(AnalyticsBatches.histogram(1234, 5));
        assertThat(back.getTotalCount()).isEqualTo(2);
        assertThat(back.getNumberOfSignificantValueDigits()).isEqualTo(HistogramCodec.SIGNIFICANT_DIGITS);
        assertThat(back.getMaxValue()).isBetween(1234L, 1247L);
        assertThat(HistogramCodec.decode(HistogramCodec.encode(back)).getTotalCount()).isEqualTo(2);
        assertThat(HistogramCodec.decode(ByteString.EMPTY)).isNull();
        assertThat(HistogramCodec.encode(HistogramCodec.newHistogram())).isEqualTo(ByteString.EMPTY);
    }

    @Test
    void anEncodingAskingForAHugeArrayIsRefusedBeforeAllocating() {
        // 5 digits up to 2^62: HdrHistogram would allocate about 100 MiB for this header
        Histogram huge = new Histogram(1, Long.MAX_VALUE / 2, 5);
        huge.recordValue(1);
        ByteBuffer b = ByteBuffer.allocate(huge.getNeededByteBufferCapacity());
        int n = huge.encodeIntoCompressedByteBuffer(b);
        ByteString bytes = ByteString.copyFrom(b.array(), 0, n);
        assertThat(HistogramCodec.countsLength(5, 1, Long.MAX_VALUE / 2)).isGreaterThan(HistogramCodec.MAX_COUNTS);
        assertThat(HistogramCodec.countsLength(3, 1, 3_600_000_000L)).isLessThan(40_000);
        assertThatThrownBy(() -> HistogramCodec.decode(bytes))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs more than");
    }

    @Test
    void garbageIsRefused() {
        assertThatThrownBy(() -> HistogramCodec.decode(ByteString.copyFromUtf8("nope")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HistogramCodec.decode(ByteString.copyFrom(new byte[] {0x1c, (byte) 0x84, (byte) 0x93, 0x14, 0, 0, 0, 5, 1, 2, 3, 4, 5})))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
