package io.fooproxy.testkit.server;

import static java.util.Objects.requireNonNull;

import io.fooproxy.testkit.protocol.FooWire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ByteProcessor;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection of the reference Foo server: answers each {@code REQ <seq> [data]} line with
 * {@code ACK <seq> <hex>} or {@code NAK <seq>}, in order, and ignores every other line.
 *
 * <p>Input is scanned byte by byte with a small state machine, so a line may be split anywhere
 * and nothing but the Seq digits (at most 18 bytes) is ever kept. Answers of one read batch go
 * into one pooled buffer written once per {@code channelReadComplete}; with fragmentation on,
 * that buffer is written in slices cut inside every answer, each slice flushed on its own.
 */
public final class FooServerHandler extends ChannelInboundHandlerAdapter implements ByteProcessor {
    public static final String NAME = "foo-server";

    private static final Logger log = LoggerFactory.getLogger(FooServerHandler.class);
    private static final byte[] REQ_SP = {'R', 'E', 'Q', ' '};
    private static final byte[] ACK_SP = {'A', 'C', 'K', ' '};
    private static final byte[] NAK_SP = {'N', 'A', 'K', ' '};
    private static final int TYPE = 0;
    private static final int SEQ = 1;
    private static final int DATA = 2;
    private static final int SKIP = 3;

    private final int nakPercent;
    private final boolean fragment;
    private final long delayNanos;
    private final int maxLineBytes;
    private final LongAdder answeredRequests;
    /** NAK decisions and ACK data; separate from {@link #cuts} so fragmentation never changes the answers. */
    private final SplittableRandom answers;
    private final SplittableRandom cuts;

    private final byte[] seq = new byte[FooWire.MAX_SEQ_DIGITS];
    private int seqLength;
    private int state = TYPE;
    private int typeIndex;
    private int lineLength;

    private ChannelHandlerContext ctx;
    private ByteBuf batch;
    private int batchAnswers;
    /** Answer batches waiting for their delay, oldest first; released if the connection goes. */
    private final ArrayDeque<ByteBuf> delayed = new ArrayDeque<>();
    private boolean inputShutdown;
    private boolean closing;

    /**
     * @param config            answer behaviour (NAK share, fragmentation, delay, line bound)
     * @param seed              seed of this connection's random decisions
     * @param answeredRequests  incremented by the number of REQs this connection answers
     */
    public FooServerHandler(ServerConfig config, long seed, LongAdder answeredRequests) {
        requireNonNull(config, "config");
        this.nakPercent = config.nakPercent();
        this.fragment = config.fragment();
        this.delayNanos = config.delay().toNanos();
        this.maxLineBytes = config.maxLineBytes();
        this.answeredRequests = requireNonNull(answeredRequests, "answeredRequests");
        this.answers = new SplittableRandom(seed);
        this.cuts = answers.split();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        log.debug("{} connected", ctx.channel());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (closing || inputShutdown) {
                return;
            }
            if (in.forEachByte(this) >= 0) {
                log.info("{} sent a line longer than {} bytes; closing the connection", ctx.channel(), maxLineBytes);
                closing = true;
                releaseBatch();
                closeAfterPendingWrites();
            }
        } finally {
            in.release();
        }
    }

    /** Scans one input byte; returns false only when the line grows past the limit. */
    @Override
    public boolean process(byte b) {
        if (b == FooWire.LF) {
            endOfLine();
            return true;
        }
        if (++lineLength > maxLineBytes) {
            return false;
        }
        switch (state) {
            case TYPE -> {
                if (b == REQ_SP[typeIndex]) {
                    if (++typeIndex == REQ_SP.length) {
                        state = SEQ;
                    }
                } else {
                    state = SKIP;
                }
            }
            case SEQ -> {
                if (b >= '0' && b <= '9' && seqLength < seq.length) {
                    seq[seqLength++] = b;
                } else if (b == FooWire.SP && seqLength > 0) {
                    state = DATA;
                } else {
                    state = SKIP;
                }
            }
            default -> {
                // DATA or SKIP: nothing to keep until the LF
            }
        }
        return true;
    }

    private void endOfLine() {
        if (state == DATA || (state == SEQ && seqLength > 0)) {
            answer();
        } else if (log.isDebugEnabled()) {
            log.debug("{} ignoring a line that is not a REQ ({} bytes)", ctx.channel(), lineLength);
        }
        state = TYPE;
        typeIndex = 0;
        seqLength = 0;
        lineLength = 0;
    }

    private void answer() {
        if (batch == null) {
            batch = ctx.alloc().ioBuffer(256);
        }
        boolean nak = nakPercent > 0 && answers.nextInt(100) < nakPercent;
        batch.writeBytes(nak ? NAK_SP : ACK_SP).writeBytes(seq, 0, seqLength);
        if (!nak) {
            batch.writeByte(FooWire.SP);
            FooWire.writeHex(batch, answers.nextInt());
        }
        batch.writeByte(FooWire.LF);
        batchAnswers++;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        releaseBatch();
        if (!ctx.channel().isWritable()) {
            // the client does not read its answers: stop reading its REQs until it does
            ctx.channel().config().setAutoRead(false);
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && !closing) {
            ctx.channel().config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** Sends the answers gathered so far, now or after the configured delay. */
    private void releaseBatch() {
        ByteBuf out = batch;
        if (out == null) {
            return;
        }
        batch = null;
        answeredRequests.add(batchAnswers);
        batchAnswers = 0;
        if (delayNanos == 0) {
            emit(out);
        } else {
            // same delay for every batch, so the event loop runs these in the order they were queued
            delayed.addLast(out);
            ctx.executor().schedule(this::emitDelayed, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void emitDelayed() {
        ByteBuf out = delayed.pollFirst();
        if (out == null) {
            return; // the connection went away and released it
        }
        emit(out);
        if (inputShutdown && delayed.isEmpty()) {
            closeAfterPendingWrites();
        }
    }

    private void emit(ByteBuf out) {
        if (!fragment) {
            ctx.writeAndFlush(out, ctx.voidPromise());
            return;
        }
        // cut every answer once at a random point; a slice runs from one cut to the next, so it
        // holds the tail of one answer and the head of the next, and each slice gets its own flush
        int end = out.writerIndex();
        int sliceStart = out.readerIndex();
        int lineStart = sliceStart;
        while (lineStart < end) {
            int lf = out.indexOf(lineStart, end, FooWire.LF);
            int cut = lineStart + 1 + cuts.nextInt(lf - lineStart);
            ctx.writeAndFlush(out.retainedSlice(sliceStart, cut - sliceStart), ctx.voidPromise());
            sliceStart = cut;
            lineStart = lf + 1;
        }
        ctx.writeAndFlush(out.retainedSlice(sliceStart, end - sliceStart), ctx.voidPromise());
        out.release();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && !inputShutdown) {
            // the client sent its last REQ: answer everything, then close (only clients close first)
            inputShutdown = true;
            releaseBatch();
            if (delayed.isEmpty()) {
                closeAfterPendingWrites();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void closeAfterPendingWrites() {
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        log.debug("{} closed", ctx.channel());
        releaseAll();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseAll();
    }

    private void releaseAll() {
        if (batch != null) {
            batch.release();
            batch = null;
        }
        ByteBuf out;
        while ((out = delayed.pollFirst()) != null) {
            out.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{} failed: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
