package io.fooproxy.frontend.relay;

import static io.fooproxy.frontend.sniff.Direction.CLIENT_TO_SERVER;
import static io.fooproxy.frontend.sniff.Direction.SERVER_TO_CLIENT;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.fooproxy.frontend.sniff.FailingSink;
import io.fooproxy.frontend.sniff.Direction;
import io.fooproxy.frontend.sniff.LineScanner;
import io.fooproxy.frontend.sniff.RecordingSink;
import io.fooproxy.frontend.sniff.TrafficSink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RelayHandlerTest {
    private final RecordingSink sink = new RecordingSink();
    private EmbeddedDuplexChannel client;
    private EmbeddedDuplexChannel upstream;

    @BeforeEach
    void pair() {
        client = new EmbeddedDuplexChannel();
        upstream = new EmbeddedDuplexChannel();
        client.pipeline().addLast(RelayHandler.NAME, relay(upstream, CLIENT_TO_SERVER, sink));
        upstream.pipeline().addLast(RelayHandler.NAME, relay(client, SERVER_TO_CLIENT, sink));
    }

    /** A relay that sniffs into {@code sink}, without a guard. */
    static RelayHandler relay(Channel peer, Direction direction, TrafficSink sink) {
        return new RelayHandler(peer, direction, sink, new LineScanner(direction, 1024, sink), RelayGuard.NONE);
    }

    @AfterEach
    void nothingLeftOver() {
        closeAndCheckNothingLeft(client, upstream);
    }

    @Test
    void relaysTheSameBufferUntouchedAndCountsItsLinesAndBytes() {
        ByteBuf in = Unpooled.directBuffer(32).writeBytes("xxREQ 1 hello\nREQ 2".getBytes(US_ASCII));
        in.readerIndex(2);
        client.writeInbound(in);

        ByteBuf out = upstream.readOutbound();
        assertThat(out).isSameAs(in);
        assertThat(out.refCnt()).isEqualTo(1);
        assertThat(out.readerIndex()).isEqualTo(2);
        assertThat(out.writerIndex()).isEqualTo(19);
        out.release();
        assertThat(sink.events()).containsExactly("REQ", "bytes CLIENT_TO_SERVER 17");
    }

    @Test
    void keepsEachDirectionsLineStateAcrossReads() {
        for (String piece : new String[] {"AC", "K 12", " 5a3f", "\nNAK", " 3\n"}) {
            ByteBuf in = Unpooled.copiedBuffer(piece, US_ASCII);
            upstream.writeInbound(in);
            ByteBuf out = client.readOutbound();
            assertThat(out).isSameAs(in);
            out.release();
        }
        assertThat(sink.events()).filteredOn(e -> !e.startsWith("bytes")).containsExactly("ACK", "NAK");
    }

    @Test
    void aFailingSinkStopsSniffingOnThatChannelButNotTheTraffic() {
        FailingSink failing = new FailingSink();
        EmbeddedDuplexChannel peer = new EmbeddedDuplexChannel();
        EmbeddedDuplexChannel side = new EmbeddedDuplexChannel(relay(peer, CLIENT_TO_SERVER, failing));
        for (int i = 0; i < 2; i++) {
            ByteBuf in = Unpooled.copiedBuffer("REQ 1\n", US_ASCII);
            side.writeInbound(in);
            ByteBuf out = peer.readOutbound();
            assertThat(out).isSameAs(in);
            assertThat(out.refCnt()).isEqualTo(1);
            out.release();
        }
        assertThat(failing.messageReports()).as("sniffing stops after the first failure").isEqualTo(1);
        assertThat(side.isActive()).isTrue();
        closeAndCheckNothingLeft(side, peer);
    }

    @Test
    void relaysBothWays() {
        ByteBuf request = Unpooled.copiedBuffer("REQ 1\n", US_ASCII);
        ByteBuf answer = Unpooled.copiedBuffer("ACK 1\n", US_ASCII);
        client.writeInbound(request);
        upstream.writeInbound(answer);

        assertThat((Object) upstream.readOutbound()).isSameAs(request);
        assertThat((Object) client.readOutbound()).isSameAs(answer);
        request.release();
        answer.release();
        assertThat(sink.events()).containsExactly(
                "REQ", "bytes CLIENT_TO_SERVER 6", "ACK", "bytes SERVER_TO_CLIENT 6");
    }

    @Test
    void releasesWhatArrivesWhenThePeerIsGone() {
        EmbeddedChannel gonePeer = new EmbeddedChannel();
        EmbeddedDuplexChannel side = new EmbeddedDuplexChannel(relay(gonePeer, CLIENT_TO_SERVER, sink));
        gonePeer.close();
        ByteBuf late = Unpooled.copiedBuffer("REQ 2\n", US_ASCII);

        side.writeInbound(late);

        assertThat(late.refCnt()).isZero();
        assertThat(drain(gonePeer)).isEmpty();
        assertThat(sink.events()).as("neither relayed nor sniffed").isEmpty();
        closeAndCheckNothingLeft(side, gonePeer);
    }

    @Test
    void closingOneSideFlushesThenClosesThePeer() {
        ByteBuf answer = Unpooled.copiedBuffer("ACK 1\n", US_ASCII);
        upstream.writeInbound(answer);

        upstream.close();

        assertThat(client.isOpen()).isFalse();
        assertThat(drain(client)).containsExactly("ACK 1\n");
    }

    @Test
    void finFromTheClientHalfClosesTheUpstreamAfterWhatWasRead() {
        client.writeInbound(Unpooled.copiedBuffer("REQ 1\nREQ 2\n", US_ASCII));

        client.receiveFin();

        assertThat(upstream.isOutputShutdown()).isTrue();
        assertThat(upstream.writtenBeforeOutputShutdown())
                .as("the data and the flush went out before the FIN")
                .isEqualTo(2);
        assertThat(drain(upstream)).containsExactly("REQ 1\nREQ 2\n");
        assertThat(client.isOpen()).isTrue();
        assertThat(upstream.isOpen()).isTrue();

        // the other direction keeps flowing: the answers still reach the client
        ByteBuf answer = Unpooled.copiedBuffer("ACK 1\nACK 2\n", US_ASCII);
        upstream.writeInbound(answer);
        ByteBuf out = client.readOutbound();
        assertThat(out).isSameAs(answer);
        out.release();
    }

    @Test
    void finBothWaysClosesBoth() {
        client.receiveFin();
        assertThat(client.isOpen()).isTrue();

        upstream.receiveFin();

        assertThat(client.isOpen()).isFalse();
        assertThat(upstream.isOpen()).isFalse();
        assertThat(client.isOutputShutdown()).isTrue();
        assertThat(upstream.isOutputShutdown()).isTrue();
    }

    @Test
    void finToAPeerThatCannotHalfCloseClosesItAfterAFlush() {
        EmbeddedChannel plainPeer = new EmbeddedChannel();
        EmbeddedDuplexChannel side = new EmbeddedDuplexChannel(relay(plainPeer, CLIENT_TO_SERVER, sink));
        side.writeInbound(Unpooled.copiedBuffer("REQ 1\n", US_ASCII));

        side.receiveFin();

        assertThat(plainPeer.isOpen()).isFalse();
        assertThat(drain(plainPeer)).containsExactly("REQ 1\n");
        closeAndCheckNothingLeft(side, plainPeer);
    }

    @Test
    void failedWriteClosesBothAndLeaksNothing() {
        upstream.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ReferenceCountUtil.release(msg);
                promise.setFailure(new IOException("broken pipe"));
            }
        });
        ByteBuf in = Unpooled.copiedBuffer("REQ 1\n", US_ASCII);

        client.writeInbound(in);

        assertThat(in.refCnt()).isZero();
        assertThat(client.isOpen()).isFalse();
        assertThat(upstream.isOpen()).isFalse();
        // counted when handed to the peer: the relay does not wait for each write to complete
        assertThat(sink.events()).containsExactly("REQ", "bytes CLIENT_TO_SERVER 6");
    }

    @Test
    void errorOnOneSideClosesBoth() {
        ByteBuf answer = Unpooled.copiedBuffer("ACK 1\n", US_ASCII);
        upstream.writeInbound(answer);

        upstream.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));

        assertThat(upstream.isOpen()).isFalse();
        assertThat(client.isOpen()).isFalse();
        assertThat(drain(client)).as("what was already relayed is flushed first").containsExactly("ACK 1\n");
    }

    /**
     * Closes both channels and checks that no data is left in them: the empty buffers a
     * close-with-flush writes are the only messages allowed.
     */
    static void closeAndCheckNothingLeft(EmbeddedChannel a, EmbeddedChannel b) {
        a.close();
        b.close();
        assertThat(drain(a)).as("data left in %s", a).isEmpty();
        assertThat(drain(b)).as("data left in %s", b).isEmpty();
        assertThat(a.finish()).isFalse();
        assertThat(b.finish()).isFalse();
    }

    /** Reads and releases every outbound message, returning the non-empty ones as text. */
    static List<String> drain(EmbeddedChannel channel) {
        List<String> out = new ArrayList<>();
        for (Object msg = channel.readOutbound(); msg != null; msg = channel.readOutbound()) {
            if (msg instanceof ByteBuf buf && buf.isReadable()) {
                out.add(buf.toString(US_ASCII));
            }
            ReferenceCountUtil.release(msg);
        }
        return out;
    }
}
