package io.fooproxy.frontend.relay;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.fooproxy.frontend.config.Endpoint;
import io.fooproxy.frontend.sniff.RecordingSink;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.net.ConnectException;
import java.net.SocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connect phase, made deterministic: the upstream channel is an embedded one whose connect
 * completes (or fails) only when the test opens its gate.
 */
class UpstreamConnectHandlerTest {
    private final RecordingSink sink = new RecordingSink();
    private final ConnectGate gate = new ConnectGate();
    private EmbeddedDuplexChannel upstream;
    private EmbeddedDuplexChannel client;

    @BeforeEach
    void connectingClient() {
        Bootstrap template = new Bootstrap()
                .channelFactory(() -> upstream = new EmbeddedDuplexChannel(false, gate))
                .disableResolver(); // the embedded event loop cannot host a resolver
        client = new EmbeddedDuplexChannel(new UpstreamConnectHandler(
                template, new Endpoint("127.0.0.1", 8001), 1024, sink));
        client.runPendingTasks(); // the Bootstrap hands the connect to the event loop as a task
        assertThat(upstream).as("connect started as the client became active").isNotNull();
        assertThat(gate.pending).isNotNull();
    }

    @AfterEach
    void nothingLeftOver() {
        RelayHandlerTest.closeAndCheckNothingLeft(client, upstream);
    }

    @Test
    void onConnectTheClientIsRelayed() {
        gate.open();

        assertThat(client.pipeline().get(UpstreamConnectHandler.class)).isNull();
        assertThat(client.pipeline().get(RelayHandler.class)).isNotNull();
        ByteBuf in = Unpooled.copiedBuffer("REQ 1\n", US_ASCII);
        client.writeInbound(in);
        ByteBuf out = upstream.readOutbound();
        assertThat(out).isSameAs(in);
        out.release();
    }

    @Test
    void dataAndFinReadBeforeTheUpstreamIsUpAreReplayedInOrder() {
        ByteBuf first = Unpooled.copiedBuffer("REQ 1\n", US_ASCII);
        ByteBuf second = Unpooled.copiedBuffer("REQ 2\n", US_ASCII);
        client.writeInbound(first);
        client.writeInbound(second);
        client.receiveFin();
        assertThat((Object) client.readInbound()).as("held, not passed on").isNull();

        gate.open();

        assertThat((Object) upstream.readOutbound()).isSameAs(first);
        assertThat((Object) upstream.readOutbound()).isSameAs(second);
        assertThat(upstream.isOutputShutdown()).as("the client's FIN followed").isTrue();
        assertThat(upstream.writtenBeforeOutputShutdown()).isGreaterThanOrEqualTo(2);
        first.release();
        second.release();
        assertThat(sink.events()).containsExactly("bytes CLIENT_TO_SERVER 6", "bytes CLIENT_TO_SERVER 6");
    }

    @Test
    void failedConnectClosesTheClientCountsItAndReleasesWhatWasHeld() {
        ByteBuf held = Unpooled.copiedBuffer("REQ 1\n", US_ASCII);
        client.writeInbound(held);

        gate.fail(new ConnectException("Connection refused"));

        assertThat(client.isOpen()).isFalse();
        assertThat(held.refCnt()).isZero();
        assertThat(sink.events()).containsExactly("upstream failure");
    }

    @Test
    void clientLeavingDuringTheConnectAbandonsItWithoutCountingAFailure() {
        ByteBuf held = Unpooled.copiedBuffer("REQ 1\n", US_ASCII);
        client.writeInbound(held);

        client.close();

        assertThat(upstream.isOpen()).isFalse();
        assertThat(held.refCnt()).isZero();
        assertThat(sink.events()).isEmpty();
    }

    /** Holds the upstream's connect until the test decides how it ends. */
    private static final class ConnectGate extends ChannelOutboundHandlerAdapter {
        private ChannelHandlerContext ctx;
        private SocketAddress remote;
        private ChannelPromise pending;

        @Override
        public void connect(ChannelHandlerContext ctx, SocketAddress remote, SocketAddress local, ChannelPromise promise) {
            this.ctx = ctx;
            this.remote = remote;
            this.pending = promise;
        }

        void open() {
            ctx.connect(remote, pending);
        }

        void fail(Throwable cause) {
            pending.setFailure(cause);
        }
    }
}
