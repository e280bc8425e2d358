package io.fooproxy.frontend.relay;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.fooproxy.frontend.config.AccessRules;
import io.fooproxy.frontend.config.Endpoint;
import io.fooproxy.frontend.config.FrontendConfig;
import io.fooproxy.frontend.config.Limits;
import io.fooproxy.frontend.config.LiveSettings;
import io.fooproxy.frontend.limits.TokenBucket;
import io.fooproxy.frontend.stats.LimitCounters;
import io.fooproxy.frontend.sniff.RecordingSink;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connect phase, made deterministic: the upstream channel is an embedded one whose connect
 * completes (or fails) only when the test opens its gate.
 */
class UpstreamConnectHandlerTest {
    private final RecordingSink sink = new RecordingSink();
    private ConnectGate gate;
    private EmbeddedDuplexChannel upstream;
    private EmbeddedDuplexChannel client;

    @BeforeEach
    void connectingClient() {
        connectingClient(null);
    }

    /** Replaces the client (and its upstream) with one whose relays report to {@code guard}. */
    private void connectingClient(ConnectionGuard guard) {
        if (client != null) {
            RelayHandlerTest.closeAndCheckNothingLeft(client, upstream);
        }
        gate = new ConnectGate();
        ConnectGate thisGate = gate;
        Bootstrap template = new Bootstrap()
                .channelFactory(() -> upstream = new EmbeddedDuplexChannel(false, thisGate))
                .remoteAddress(new InetSocketAddress("127.0.0.1", 8001))
                .disableResolver(); // the embedded event loop cannot host a resolver
        client = new EmbeddedDuplexChannel(new UpstreamConnectHandler(
                template, new Endpoint("127.0.0.1", 8001), 1024, sink, guard));
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
        assertThat(sink.events()).as("sniffed as they were replayed")
                .containsExactly("REQ", "bytes CLIENT_TO_SERVER 6", "REQ", "bytes CLIENT_TO_SERVER 6");
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

    @Test
    void drainBeforeTheClientSentAnythingClosesItAndAbandonsTheConnect() {
        client.pipeline().fireUserEventTriggered(ConnectionGuard.Drain.INSTANCE);

        assertThat(client.isOpen()).isFalse();
        assertThat(upstream.isOpen()).isFalse();
        assertThat(sink.events()).as("not an upstream failure").isEmpty();
    }

    @Test
    void drainAfterTheClientSentAReqLetsTheAnswerThroughThenCloses() {
        FrontendConfig config = new FrontendConfig(new Endpoint("127.0.0.1", 0), new Endpoint("127.0.0.1", 8001),
                new Endpoint("127.0.0.1", 9090), "test", Duration.ofMillis(50), "INFO", Limits.defaults(),
                AccessRules.ALLOW_ALL, Optional.empty());
        LiveSettings settings = LiveSettings.of(config);
        connectingClient(new ConnectionGuard(settings, new LimitCounters(), new TokenBucket(), 1024,
                new GuardTicker.Tickers(settings)));
        client.writeInbound(Unpooled.copiedBuffer("REQ 1\n", US_ASCII));
        client.pipeline().fireUserEventTriggered(ConnectionGuard.Drain.INSTANCE);
        assertThat(client.isOpen()).as("a REQ is held for the upstream").isTrue();

        gate.open();

        assertThat(RelayHandlerTest.drain(upstream)).containsExactly("REQ 1\n");
        assertThat(client.isOpen()).as("its answer is still owed").isTrue();
        upstream.writeInbound(Unpooled.copiedBuffer("ACK 1\n", US_ASCII));
        assertThat(client.isOpen()).as("closed once the answer was written").isFalse();
        assertThat(RelayHandlerTest.drain(client)).containsExactly("ACK 1\n");
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
