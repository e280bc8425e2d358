package io.fooproxy.frontend.relay;

import static java.util.Objects.requireNonNull;

import io.fooproxy.frontend.sniff.Direction;
import io.fooproxy.frontend.sniff.LineScanner;
import io.fooproxy.frontend.sniff.TrafficSink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays what one channel reads to its peer, the other channel of the same client connection
 * (both on the same event loop, so no locks). Installed on both channels, once per direction,
 * as the only handler that sees each chunk: it lets the direction's {@link LineScanner} look at
 * the chunk, tells the connection's guard (see {@link RelayGuard}), then writes the very same
 * buffer to the peer. One handler instead of a sniffer, a guard and a relay in a row saves two
 * pipeline hops per chunk and two handler contexts per channel.
 *
 * <ul>
 *   <li>Sniffing: the scanner reads the buffer's bytes and never changes, copies or delays it. A
 *       failing traffic sink must not cost the client its connection: sniffing stops on this
 *       channel (logged once) and the relay goes on.
 *   <li>Guard: reads and writes of this channel pass through here too ({@link #read}, {@link
 *       #write}), so the guard can hold a read (REQ quota, drain) and watch what is queued.
 *   <li>Backpressure: the channel runs with AUTO_READ off. What one read loop brings in is
 *       queued on the peer and flushed once, at the end of the loop (one write system call for
 *       many chunks); the next read is asked for only while the peer is writable, that is while
 *       its queue is below Netty's high water mark (64 KiB by default). When it rises above it,
 *       reading stops until the peer's queue has drained below the low water mark. So at most
 *       the water mark plus one read loop is buffered per direction, whatever the speeds of the
 *       two ends, and the relay never waits for a write to complete before reading on.
 *   <li>Half-close: when this side sends its FIN, everything it sent is written to the peer
 *       and then the peer's output is shut down, so the FIN travels on in order and the other
 *       direction keeps flowing (a client may send its last REQ, shut down its output, and
 *       still read every answer). Once both directions have passed their FIN, both close.
 *   <li>Close and errors: when this channel closes or fails, the peer is flushed and closed.
 *   <li>Buffers: a buffer read here is handed to the peer's write (which releases it) or, when
 *       the peer is already gone, released here. A write that fails reaches the peer's
 *       exceptionCaught (void promise), which closes both channels.
 * </ul>
 */
public final class RelayHandler extends ChannelDuplexHandler {
    public static final String NAME = "relay";
    /** How long a closing channel may take to flush before it is closed anyway (a peer that never reads). */
    static final long CLOSE_FLUSH_TIMEOUT_SECONDS = 10;
    private static final Logger log = LoggerFactory.getLogger(RelayHandler.class);

    private final Channel peer;
    private final Direction direction;
    private final TrafficSink sink;
    private final LineScanner scanner;
    private final RelayGuard guard;
    /** Something was queued on the peer during this read loop and awaits its flush. */
    private boolean flushPending;
    private boolean sniffFailed;

    /**
     * @param peer      where the bytes this channel reads are written
     * @param direction the direction of the bytes this channel reads
     * @param sink      gets the byte count of each chunk handed to the peer
     * @param scanner   sniffs every chunk this channel reads (the scanner of {@code direction})
     * @param guard     the connection guard's side for this channel
     */
    RelayHandler(Channel peer, Direction direction, TrafficSink sink, LineScanner scanner, RelayGuard guard) {
        this.peer = requireNonNull(peer, "peer");
        this.direction = requireNonNull(direction, "direction");
        this.sink = requireNonNull(sink, "sink");
        this.scanner = requireNonNull(scanner, "scanner");
        this.guard = requireNonNull(guard, "guard");
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        guard.attached(ctx);
        // added once both channels of the pair are connected: start reading this one
        if (ctx.channel().isActive()) {
            readMore(ctx.channel());
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        guard.detached();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // added before the channel connected: start reading now
        readMore(ctx.channel());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!peer.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf buf) {
            sniff(ctx, buf);
            guard.chunkRead(buf);
            sink.onBytes(direction, buf.readableBytes());
        }
        peer.write(msg, peer.voidPromise());
        flushPending = true;
    }

    private void sniff(ChannelHandlerContext ctx, ByteBuf buf) {
        if (sniffFailed) {
            return;
        }
        try {
            scanner.scan(buf);
        } catch (RuntimeException e) {
            sniffFailed = true;
            log.warn("sniffing stopped on {} after an error in the traffic sink", ctx.channel(), e);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (flushPending) {
            flushPending = false;
            peer.flush();
        }
        if (peer.isWritable()) {
            readMore(ctx.channel());
        } // else channelWritabilityChanged on the peer's relay asks for the next read
        ctx.fireChannelReadComplete();
    }

    /** This channel's queue drained below the low water mark: its peer may read again. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && peer.isActive()) {
            readMore(peer);
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** A read of this channel, asked for by either relay of the pair or by the guard. */
    @Override
    public void read(ChannelHandlerContext ctx) {
        if (guard.mayRead()) {
            ctx.read();
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ctx.write(msg, guard.writing(msg, promise));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ConnectionGuard.Drain.INSTANCE) {
            guard.drain();
            return;
        }
        if (evt instanceof ChannelInputShutdownEvent) {
            forwardFin(ctx.channel());
        }
        ctx.fireUserEventTriggered(evt);
    }

    /** Asks for the next chunk, unless this side has already sent its FIN: there is nothing more to read then. */
    private static void readMore(Channel channel) {
        if (!(channel instanceof DuplexChannel duplex) || !duplex.isInputShutdown()) {
            channel.read();
        }
    }

    /** This side will send nothing more: write out what it sent, then pass its FIN on. */
    private void forwardFin(Channel self) {
        if (!(peer instanceof DuplexChannel duplexPeer) || !peer.isActive()) {
            closeOnFlush(peer);
            return;
        }
        peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) flushed -> {
            if (!flushed.isSuccess()) {
                self.close();
                peer.close();
                return;
            }
            duplexPeer.shutdownOutput().addListener((ChannelFutureListener) shut -> {
                boolean otherWayDone = self instanceof DuplexChannel d && d.isOutputShutdown();
                if (!shut.isSuccess() || otherWayDone) {
                    self.close();
                    peer.close();
                }
            });
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        guard.detached();
        closeOnFlush(peer);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("{}: {}", ctx.channel(), describe(cause)); // resets and the like: routine
        } else {
            log.warn("{}: closing the connection after an unexpected error", ctx.channel(), cause);
        }
        ctx.close();
        closeOnFlush(peer);
    }

    /**
     * Closes {@code channel} once what is queued on it has been written, or after {@value
     * #CLOSE_FLUSH_TIMEOUT_SECONDS} s if its remote end does not read.
     */
    public static void closeOnFlush(Channel channel) {
        if (!channel.isActive()) {
            channel.close(); // also aborts a connect still in progress
            return;
        }
        ScheduledFuture<?> deadline =
                channel.eventLoop().schedule(() -> channel.close(), CLOSE_FLUSH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        ChannelFuture flushed = channel.writeAndFlush(Unpooled.EMPTY_BUFFER);
        flushed.addListener((ChannelFutureListener) f -> {
            deadline.cancel(false);
            channel.close();
        });
    }

    static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }
}
