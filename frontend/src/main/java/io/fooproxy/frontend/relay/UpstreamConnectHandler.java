package io.fooproxy.frontend.relay;

import static java.util.Objects.requireNonNull;

import io.fooproxy.frontend.config.Endpoint;
import io.fooproxy.frontend.sniff.Direction;
import io.fooproxy.frontend.sniff.LineScanner;
import io.fooproxy.frontend.sniff.MessageObserver;
import io.fooproxy.frontend.sniff.TrafficSink;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the upstream connection of a freshly accepted client on the client's own event loop,
 * then hands over to a {@link RelayHandler} on each side, each with its direction's {@link
 * LineScanner} and its side of the connection's {@link ConnectionGuard}. The client is not asked
 * for data before the upstream is connected; when the upstream cannot be reached, the client is
 * closed, the failure is logged once and counted, and nothing else is affected.
 *
 * <p>A client that sends its data and its FIN at once can still be read early: the epoll
 * transport drains a socket on EPOLLRDHUP whatever AUTO_READ says. What arrives that way
 * (bounded by the socket's receive buffer, since the client can send nothing after its FIN)
 * is held here and replayed through the relay, in order, once the upstream is up (and sniffed
 * then). A drain that starts meanwhile closes a client that has sent nothing at once; one that
 * has sent something is handed to the relay's guard after the replay, like any other.
 */
final class UpstreamConnectHandler extends ChannelInboundHandlerAdapter {
    static final String NAME = "connect-upstream";
    private static final Logger log = LoggerFactory.getLogger(UpstreamConnectHandler.class);

    private final Bootstrap upstreamTemplate;
    private final Endpoint forward;
    private final int maxLineLength;
    private final TrafficSink sink;
    /** Watches the pair; null in tests of the connect phase alone. */
    private final ConnectionGuard guard;
    private final MessageObserver messages;
    private Channel upstream;
    /** Read before the upstream was connected; created only when that happens. */
    private ArrayDeque<Object> early;
    private boolean inputShutdownEarly;
    private boolean drainEarly;

    /**
     * @param upstreamTemplate channel class, options and remote address for upstream channels,
     *                         without a group
     * @param forward          the upstream server, for logs
     * @param guard            the client's guard, whose two sides join the two relays; null for
     *                         none (tests of the connect phase alone)
     */
    UpstreamConnectHandler(Bootstrap upstreamTemplate, Endpoint forward, int maxLineLength, TrafficSink sink,
            ConnectionGuard guard) {
        this(upstreamTemplate, forward, maxLineLength, sink, guard, MessageObserver.NONE);
    }

    /** @param messages the connection's protocol analytics, fed by both directions' scanners */
    UpstreamConnectHandler(Bootstrap upstreamTemplate, Endpoint forward, int maxLineLength, TrafficSink sink,
            ConnectionGuard guard, MessageObserver messages) {
        this.guard = guard;
        this.messages = requireNonNull(messages, "messages");
        this.upstreamTemplate = requireNonNull(upstreamTemplate, "upstreamTemplate");
        this.forward = requireNonNull(forward, "forward");
        this.maxLineLength = maxLineLength;
        this.sink = requireNonNull(sink, "sink");
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel client = ctx.channel();
        ChannelFuture connect = upstreamTemplate.clone(client.eventLoop())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // nothing yet: the relay joins once the connect has succeeded (see connected)
                    }
                })
                .connect();
        upstream = connect.channel();
        connect.addListener((ChannelFutureListener) f -> connected(ctx, f));
        ctx.fireChannelActive();
    }

    private void connected(ChannelHandlerContext ctx, ChannelFuture connect) {
        Channel client = ctx.channel();
        if (!client.isActive()) {
            connect.channel().close(); // the client left while we were connecting: not a failure
            return;
        }
        if (connect.isSuccess()) {
            // From now on a relay on each side owns the pair and starts reading. This runs as
            // the connect completes, before the upstream can be read at all.
            Channel connected = connect.channel();
            connected.pipeline().addLast(RelayHandler.NAME, relay(client, Direction.SERVER_TO_CLIENT));
            ctx.pipeline().addAfter(ctx.name(), RelayHandler.NAME, relay(connected, Direction.CLIENT_TO_SERVER));
            if (early != null) {
                for (Object msg = early.poll(); msg != null; msg = early.poll()) {
                    ctx.fireChannelRead(msg);
                }
                ctx.fireChannelReadComplete(); // the relay flushes once a read loop completes
            }
            if (inputShutdownEarly) {
                ctx.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
            }
            if (drainEarly) {
                ctx.fireUserEventTriggered(ConnectionGuard.Drain.INSTANCE);
            }
            ctx.pipeline().remove(this);
            return;
        }
        log.warn("upstream {} unreachable for client {}: {}; closing the client",
                forward, address(client), RelayHandler.describe(connect.cause()));
        sink.onUpstreamConnectFailure();
        client.close();
    }

    /** The relay of the channel that reads {@code direction}'s bytes, writing them to {@code peer}. */
    private RelayHandler relay(Channel peer, Direction direction) {
        RelayGuard side = guard == null ? RelayGuard.NONE : guard.side(direction);
        LineScanner scanner = new LineScanner(direction, maxLineLength, sink, side, messages);
        return new RelayHandler(peer, direction, sink, scanner, side);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (early == null) {
            early = new ArrayDeque<>(4);
        }
        early.add(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputShutdownEarly = true; // replayed to the relay once the upstream is up
            return;
        }
        if (evt == ConnectionGuard.Drain.INSTANCE) {
            if (early == null) {
                ctx.close(); // nothing sent, so nothing to answer
            } else {
                drainEarly = true; // the relay's guard takes it from here
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        // whatever was not replayed (the client left, or the upstream failed) is released here
        if (early != null) {
            for (Object msg = early.poll(); msg != null; msg = early.poll()) {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // still here, so still connecting: abandon that connect
        if (upstream != null) {
            upstream.close();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: closing before the upstream was connected: {}", ctx.channel(), RelayHandler.describe(cause));
        ctx.close();
    }

    private static String address(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() + ":" + a.getPort()
                : String.valueOf(channel.remoteAddress());
    }
}
