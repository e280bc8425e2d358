package io.fooproxy.testkit.load;

import static java.util.Objects.requireNonNull;

import io.fooproxy.testkit.protocol.FooWire;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One client connection of a load run: keeps up to {@code depth} REQs in flight, checks that
 * answers come back in order with the expected Seq, times each one and counts exactly.
 *
 * <p>Everything runs on the connection's event loop. New REQs are written once per read batch
 * (in {@code channelReadComplete}) into one pooled buffer with one flush. A request counts as
 * sent when its write succeeded; an answer counts when its complete line was read with the
 * expected Seq. Any other outcome is one error, after which the connection is closed (a
 * desynchronised stream cannot be trusted) and the rest of the run goes on.
 */
final class LoadConnection extends ChannelInboundHandlerAdapter implements AnswerParser.Sink {
    static final String NAME = "foo-load";

    /** Shortest wait between two pacing ticks: above this rate per connection, REQs go out in small bursts. */
    private static final long MIN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Step through the shared hex pool, so consecutive REQs carry different data. */
    private static final int DATA_STEP = 97;

    private final int id;
    private final int depth;
    private final long budget;
    private final int dataLength;
    private final byte[] dataPool;
    private final double intervalNanos;
    private final RunMonitor monitor;
    private final LoadListener listener;
    private final LatencyRecorders recorders;
    private final AnswerParser parser;
    /** Write time of each REQ in flight, indexed by seq % depth (in-flight Seqs are consecutive). */
    private final long[] sentAt;
    private final byte[] digits = new byte[20];
    private final Runnable tick = this::onTick;

    private ChannelHandlerContext ctx;
    private Histogram latency;
    private long nextSeq = 1;
    private long expectedSeq = 1;
    private int inFlight;
    private int dataOffset;
    private long paceStart;
    private long readNanos;
    private boolean sending;
    private boolean stopped;
    private boolean recording;
    private boolean failed;
    private boolean closingByUs;
    private boolean settled;
    private boolean tickScheduled;

    final SingleWriterCounter requestsSent = new SingleWriterCounter();
    final SingleWriterCounter answers = new SingleWriterCounter();
    final SingleWriterCounter acks = new SingleWriterCounter();
    final SingleWriterCounter naks = new SingleWriterCounter();
    final SingleWriterCounter errors = new SingleWriterCounter();
    /** Answers when the measurement began and when sending stopped; read after the loops stopped. */
    private long answersAtMark;
    private long answersAtStop;

    /**
     * @param id        1-based number, for messages
     * @param config    the run
     * @param dataPool  random hex shared read-only by all connections (at least dataLength + DATA_STEP bytes)
     */
    LoadConnection(int id, LoadConfig config, byte[] dataPool, RunMonitor monitor, LoadListener listener,
                   LatencyRecorders recorders) {
        requireNonNull(config, "config");
        this.id = id;
        this.depth = config.depth();
        this.budget = config.requestsPerConnection();
        this.dataLength = config.dataLength();
        this.dataPool = requireNonNull(dataPool, "dataPool");
        this.intervalNanos = config.rate() > 0 ? config.connections() * 1e9 / config.rate() : 0;
        this.monitor = requireNonNull(monitor, "monitor");
        this.listener = requireNonNull(listener, "listener");
        this.recorders = requireNonNull(recorders, "recorders");
        this.parser = new AnswerParser(this, FooWire.DEFAULT_MAX_LINE_BYTES);
        this.sentAt = new long[depth];
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        latency = recorders.current();
        ctx.fireChannelActive();
    }

    // ---- driven by the controller, always on this connection's event loop ----

    /** Starts sending; with a rate, the first REQ is due at {@code paceStartNanos}. */
    void start(long paceStartNanos, boolean recordFromStart) {
        recording = recordFromStart;
        if (failed || ctx == null || !ctx.channel().isActive()) {
            return;
        }
        paceStart = paceStartNanos;
        sending = true;
        trySend(System.nanoTime());
    }

    /** The warm-up is over: time answers from now on. */
    void markMeasurement() {
        recording = true;
        answersAtMark = answers.get();
    }

    /** Sends no more REQs; the connection settles once its outstanding answers are in. */
    void stopSending() {
        sending = false;
        stopped = true;
        answersAtStop = answers.get();
        if (inFlight == 0) {
            settle();
        }
    }

    /**
     * The run is over: whatever is still missing is an error; close.
     *
     * @param why what ended the run, for the error message of an unfinished budget
     */
    void closeAtEnd(String why) {
        if (!failed && !closingByUs && ctx != null) {
            if (budget > 0 && expectedSeq <= budget) {
                countError(why + " after " + (expectedSeq - 1) + " of " + budget + " answers");
            } else if (inFlight > 0) {
                countError(inFlight + " answers still outstanding at the end of the run");
            }
        }
        closingByUs = true;
        if (ctx != null) {
            ctx.close();
        }
        settle();
    }

    /** The connection could not be established. */
    void connectFailed(Throwable cause) {
        fail("connect failed: " + describe(cause));
    }

    long measuredAnswers() {
        return answersAtStop - answersAtMark;
    }

    // ---- sending ----

    private void onTick() {
        tickScheduled = false;
        trySend(System.nanoTime());
    }

    private void trySend(long now) {
        if (!sending || failed || closingByUs) {
            return;
        }
        long n = depth - inFlight;
        if (budget > 0) {
            n = Math.min(n, budget - (nextSeq - 1));
        }
        if (n <= 0) {
            return;
        }
        boolean rateLimited = false;
        if (intervalNanos > 0) {
            long permitted = now < paceStart ? 0 : (long) ((now - paceStart) / intervalNanos) + 1;
            long permits = permitted - (nextSeq - 1);
            if (permits < n) {
                n = Math.max(permits, 0);
                rateLimited = true;
            }
        }
        if (n > 0) {
            writeBatch((int) n, now);
        }
        if (rateLimited && !tickScheduled) {
            // wake when the next REQ is due; answers wake us earlier only if the window was full
            long due = paceStart + (long) ((nextSeq - 1) * intervalNanos);
            tickScheduled = true;
            ctx.executor().schedule(tick, Math.max(due - now, MIN_TICK_NANOS), TimeUnit.NANOSECONDS);
        }
    }

    private void writeBatch(int n, long now) {
        ByteBuf out = ctx.alloc().ioBuffer(n * (26 + dataLength));
        for (int i = 0; i < n; i++) {
            long seq = nextSeq++;
            sentAt[(int) (seq % depth)] = now;
            FooWire.writeReqPrefix(out);
            FooWire.writeDecimal(out, seq, digits);
            if (dataLength > 0) {
                out.writeByte(FooWire.SP).writeBytes(dataPool, dataOffset, dataLength);
                dataOffset += DATA_STEP;
                if (dataOffset > dataPool.length - dataLength) {
                    dataOffset -= dataPool.length - dataLength;
                }
            }
            out.writeByte(FooWire.LF);
        }
        inFlight += n;
        ctx.writeAndFlush(out).addListener(f -> {
            if (f.isSuccess()) {
                requestsSent.add(n);
            } else {
                fail("write failed: " + describe(f.cause()));
            }
        });
    }

    // ---- receiving ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (!failed && !closingByUs) {
                readNanos = System.nanoTime();
                in.forEachByte(parser);
            }
        } finally {
            in.release();
        }
    }

    @Override
    public boolean onAnswer(boolean ack, long seq) {
        if (inFlight == 0) {
            fail("answer '" + parser.currentLine() + "' with no request outstanding");
            return false;
        }
        if (seq != expectedSeq) {
            fail("expected seq " + expectedSeq + ", got '" + parser.currentLine() + "'");
            return false;
        }
        long sent = sentAt[(int) (seq % depth)];
        expectedSeq++;
        inFlight--;
        answers.add(1);
        (ack ? acks : naks).add(1);
        if (recording) {
            latency.recordValue(Math.min(Math.max(readNanos - sent, 0), LatencyRecorders.HIGHEST_NANOS));
        }
        listener.onAnswer();
        return true;
    }

    @Override
    public boolean onMalformed(String reason) {
        fail("malformed answer: " + reason);
        return false;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!failed && !closingByUs) {
            if (budget > 0 && expectedSeq > budget) {
                // every REQ of the budget is answered: this client is done and closes
                closingByUs = true;
                ctx.close();
                settle();
            } else {
                trySend(System.nanoTime());
                if (stopped && inFlight == 0) {
                    settle();
                }
            }
        }
        ctx.fireChannelReadComplete();
    }

    // ---- endings ----

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!closingByUs && !failed && !(stopped && inFlight == 0)) {
            fail("connection closed by the server after " + (expectedSeq - 1) + " answers");
        }
        settle();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail("connection error: " + describe(cause));
    }

    /** Counts one error for this connection (once), closes it, and settles it. */
    private void fail(String reason) {
        if (failed || closingByUs) {
            return;
        }
        countError(reason);
        closingByUs = true;
        if (ctx != null) {
            ctx.close();
        }
        settle();
    }

    private void countError(String reason) {
        failed = true;
        errors.add(1);
        monitor.error("connection " + id + ": " + reason);
    }

    private void settle() {
        if (!settled) {
            settled = true;
            monitor.connectionSettled();
        }
    }

    private static String describe(Throwable t) {
        return t == null ? "unknown" : t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
