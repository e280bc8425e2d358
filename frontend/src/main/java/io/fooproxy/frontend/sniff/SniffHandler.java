package io.fooproxy.frontend.sniff;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a {@link LineScanner} look at every buffer read from a channel, then passes the very
 * same buffer on, unchanged and with the same reference count: sniffing never copies, changes
 * or delays the relayed bytes. One instance per channel (it holds that channel's line state).
 */
public final class SniffHandler extends ChannelInboundHandlerAdapter {
    public static final String NAME = "sniff";
    private static final Logger log = LoggerFactory.getLogger(SniffHandler.class);

    private final LineScanner scanner;
    private boolean failed;

    public SniffHandler(LineScanner scanner) {
        this.scanner = requireNonNull(scanner, "scanner");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf && !failed) {
            try {
                scanner.scan(buf);
            } catch (RuntimeException e) {
                // A failing sink must not cost the client its connection: stop sniffing this
                // channel, keep relaying, and say so once.
                failed = true;
                log.warn("sniffing stopped on {} after an error in the traffic sink", ctx.channel(), e);
            }
        }
        ctx.fireChannelRead(msg);
    }
}
