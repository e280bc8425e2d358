package io.fooproxy.frontend.sniff;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class SniffHandlerTest {
    private final RecordingSink sink = new RecordingSink();

    @Test
    void passesTheSameBufferOnUntouched() {
        EmbeddedChannel channel = new EmbeddedChannel(
                new SniffHandler(new LineScanner(Direction.CLIENT_TO_SERVER, 1024, sink)));
        ByteBuf in = Unpooled.directBuffer(32).writeBytes("xxREQ 1 a\nREQ 2".getBytes(US_ASCII));
        in.readerIndex(2);
        int refCnt = in.refCnt();

        assertThat(channel.writeInbound(in)).isTrue();
        ByteBuf out = channel.readInbound();

        assertThat(out).isSameAs(in);
        assertThat(out.refCnt()).isEqualTo(refCnt);
        assertThat(out.readerIndex()).isEqualTo(2);
        assertThat(out.writerIndex()).isEqualTo(15);
        assertThat(sink.events()).containsExactly("REQ");
        out.release();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void keepsLineStateAcrossReads() {
        EmbeddedChannel channel = new EmbeddedChannel(
                new SniffHandler(new LineScanner(Direction.SERVER_TO_CLIENT, 1024, sink)));
        for (String piece : new String[] {"AC", "K 12", " 5a3f", "\nNAK", " 3\n"}) {
            ByteBuf in = Unpooled.copiedBuffer(piece, US_ASCII);
            channel.writeInbound(in);
            ByteBuf out = channel.readInbound();
            assertThat(out).isSameAs(in);
            out.release();
        }
        assertThat(sink.events()).containsExactly("ACK", "NAK");
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void passesOtherMessagesOnWithoutLookingAtThem() {
        EmbeddedChannel channel = new EmbeddedChannel(
                new SniffHandler(new LineScanner(Direction.CLIENT_TO_SERVER, 1024, sink)));
        Object other = "not a buffer";
        channel.writeInbound(other);
        assertThat((Object) channel.readInbound()).isSameAs(other);
        assertThat(sink.events()).isEmpty();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aFailingSinkStopsSniffingButNotTheTraffic() {
        int[] calls = {0};
        TrafficSink failing = new TrafficSink() {
            @Override
            public void onMessages(MessageType type, int count) {
                calls[0]++;
                throw new IllegalStateException("sink broke");
            }

            @Override
            public void onInvalidLines(Direction direction, int count) {}

            @Override
            public void onOversizedLine(Direction direction) {}

            @Override
            public void onBytes(Direction direction, int count) {}

            @Override
            public void onConnectionOpened() {}

            @Override
            public void onConnectionClosed() {}

            @Override
            public void onUpstreamConnectFailure() {}
        };
        EmbeddedChannel channel = new EmbeddedChannel(
                new SniffHandler(new LineScanner(Direction.CLIENT_TO_SERVER, 1024, failing)));
        for (int i = 0; i < 2; i++) {
            ByteBuf in = Unpooled.copiedBuffer("REQ 1\n", US_ASCII);
            channel.writeInbound(in);
            ByteBuf out = channel.readInbound();
            assertThat(out).isSameAs(in);
            assertThat(out.refCnt()).isEqualTo(1);
            out.release();
        }
        assertThat(calls[0]).as("sniffing stops after the first failure").isEqualTo(1);
        assertThat(channel.isActive()).isTrue();
        assertThat(channel.finish()).isFalse();
    }
}
