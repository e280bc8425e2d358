package io.fooproxy.frontend.relay;

import static java.util.Objects.requireNonNull;

import io.fooproxy.frontend.sniff.TrafficSink;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Reports each client connection's open and close, exactly once each: it sits first in every
 * client pipeline and stays there while the handlers behind it change. Stateless, so shared.
 */
@Sharable
public final class ConnectionCountingHandler extends ChannelInboundHandlerAdapter {
    public static final String NAME = "count-connections";

    private final TrafficSink sink;

    public ConnectionCountingHandler(TrafficSink sink) {
        this.sink = requireNonNull(sink, "sink");
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        sink.onConnectionOpened();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        sink.onConnectionClosed();
        ctx.fireChannelInactive();
    }
}
