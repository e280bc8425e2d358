package io.fooproxy.frontend.relay;

import static java.util.Objects.requireNonNull;

import io.fooproxy.frontend.config.Limits;
import io.fooproxy.frontend.config.LiveSettings;
import io.fooproxy.frontend.limits.TokenBucket;
import io.fooproxy.frontend.sniff.Direction;
import io.fooproxy.frontend.sniff.LineObserver;
import io.fooproxy.frontend.sniff.MessageType;
import io.fooproxy.frontend.stats.LimitCounters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one client connection and its upstream connection, and decides when the relay may
 * read on and when the pair must go: idle timeouts, the per-address REQ quota and the drain on
 * SIGTERM. One instance per client connection, with a side for each of the two relays ({@link
 * #side}), which is also the {@link LineObserver} of that channel's scanner; everything runs on
 * the pair's one event loop, so the state needs no locks.
 *
 * <p>It counts the REQs the client sent and the answers the upstream sent: a REQ is
 * <em>outstanding</em> until an ACK or NAK line follows it. From that:
 * <ul>
 *   <li><b>Waiting for the upstream</b> (a REQ outstanding and no answer bytes on their way to
 *       the client): the upstream must send or take bytes at least every {@code
 *       upstream-idle-timeout}, or the pair is closed and counted as an upstream idle timeout.
 *   <li><b>Otherwise</b> the client must make progress at least every {@code
 *       client-idle-timeout}: complete a line, send another {@code max-line-length} bytes, or
 *       take an answer (a write to it completes). Bytes without an LF trickling in do not
 *       count, so one byte a second (slowloris) is closed like a silent client; so is a client
 *       that stops reading its answers. Counted as a client idle timeout.
 *   <li><b>REQ quota</b>: the REQs of each chunk read from the client are charged to its
 *       address's {@link TokenBucket}; over the quota, the chunk is still relayed whole (bytes
 *       are never dropped or reordered) but the next read from that client waits until the
 *       bucket has refilled. The client is throttled by TCP flow control, sees every answer, and
 *       is not counted as idle meanwhile. Each pause is counted.
 *   <li><b>Drain</b> ({@link Drain#INSTANCE} fired at the client channel): nothing more is
 *       read from the client; the pair is closed at once when no REQ is outstanding, else as
 *       soon as the last answer has been written to the client.
 * </ul>
 * Timeouts are checked at each tick of the event loop's {@link GuardTicker} (every quarter of
 * the shorter timeout, 10 ms to 1 s), from the moment the upstream is connected and the
 * client's relay joins; until then the {@code connect-timeout} bounds the wait.
 *
 * <p>The relay's hot path pays for none of this in clock reads or promises: a chunk read only
 * bumps counters and sets flags, and writes go on with the relay's void promise. Each tick turns
 * what happened since the last one into progress stamped with the tick's time: lines ended,
 * chunks read from the upstream, and bytes the peers took (see {@link WriteQueueSample}). So a
 * timeout fires at most two ticks late, never early.
 * Only a drain, which must close the pair as soon as the last answer has been written, listens
 * to write completions, and only from the moment it starts.
 */
public final class ConnectionGuard extends GuardTicker.Member {
    private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);

    /** The user event that starts a connection's drain; fire it at the client channel. */
    public enum Drain {
        INSTANCE
    }

    private final LiveSettings settings;
    private final LimitCounters counters;
    private final TokenBucket quota;
    private final long maxLineLength;
    private final GuardTicker.Tickers tickers;
    // The tasks and listeners below are made when needed, not kept: with 10 000 idle
    // connections every field here costs its size 10 000 times.
    private final ClientSide clientSide = new ClientSide();
    private final UpstreamSide upstreamSide = new UpstreamSide();

    private ChannelHandlerContext client;
    /** Null until the upstream channel exists (its pipeline then holds the upstream side). */
    private Channel upstream;
    /** Checks this guard at every tick from the moment the relay joins; null before. */
    private GuardTicker ticker;

    private long requests;
    private long answers;
    private long requestsCharged;
    /** Set by the sniffer while it scans a chunk; read and cleared once per chunk. */
    private boolean clientLineEnded;
    // what happened since the last tick, stamped with the tick's time there
    private boolean clientProgressed;
    /** A chunk came from the upstream, or a REQ made it owe an answer again. */
    private boolean upstreamProgressed;
    private final WriteQueueSample toClient = new WriteQueueSample();
    private final WriteQueueSample toUpstream = new WriteQueueSample();
    private long clientBytesSinceProgress;
    private long lastClientProgress;
    private long lastUpstreamProgress;
    /** Writes to the client a drain waits for (counted from the drain's start only). */
    private int drainWrites;

    private long resumeAt;
    private boolean paused;
    private boolean readHeld;
    private boolean draining;
    private boolean drained;
    private boolean closed;

    /**
     * @param settings      the limits, read at each check and charge (so a reload applies)
     * @param counters      where timeouts and quota pauses are counted
     * @param quota         the REQ quota bucket of the client's address
     * @param maxLineLength this connection's max-line-length: that many bytes without an LF
     *                      count as client progress
     * @param tickers       the periodic checks of the client channel's event loop
     */
    ConnectionGuard(LiveSettings settings, LimitCounters counters, TokenBucket quota, int maxLineLength,
            GuardTicker.Tickers tickers) {
        this.settings = requireNonNull(settings, "settings");
        this.counters = requireNonNull(counters, "counters");
        this.quota = requireNonNull(quota, "quota");
        this.maxLineLength = maxLineLength;
        this.tickers = requireNonNull(tickers, "tickers");
    }

    /**
     * The side for the relay that reads {@code direction}'s bytes, and for that direction's
     * scanner: the client side for client to server, the upstream side for server to client.
     */
    RelayGuard side(Direction direction) {
        return direction == Direction.CLIENT_TO_SERVER ? clientSide : upstreamSide;
    }

    /** REQs sent and not yet answered. */
    long outstanding() {
        return Math.max(0, requests - answers);
    }

    private void onClientLine(MessageType message) {
        clientLineEnded = true;
        if (message == MessageType.REQ) {
            if (requests <= answers) {
                upstreamProgressed = true; // the upstream owes an answer from now on: its clock restarts
            }
            requests++;
        }
    }

    private void onUpstreamLine(MessageType message) {
        if (message == MessageType.ACK || message == MessageType.NAK) {
            answers++;
        }
    }

    /** A REQ is unanswered and no answer bytes wait to be written to the client. */
    private boolean waitingForUpstream() {
        return requests > answers && WriteQueueSample.pendingBytes(client.channel()) == 0;
    }

    /** A chunk from the client, already sniffed, about to be relayed. */
    private void clientChunk(ByteBuf buf) {
        clientBytesSinceProgress += buf.readableBytes();
        if (clientLineEnded || clientBytesSinceProgress >= maxLineLength) {
            clientLineEnded = false;
            clientBytesSinceProgress = 0;
            clientProgressed = true;
        }
        long fresh = requests - requestsCharged;
        requestsCharged = requests;
        Limits limits = settings.limits();
        if (fresh > 0 && limits.quotaEnabled()) {
            long now = System.nanoTime();
            long wait = quota.charge(fresh, now, limits.reqRatePerIp(), limits.effectiveBurst());
            if (wait > 0) {
                long until = now + wait;
                if (!paused || until - resumeAt > 0) {
                    resumeAt = until;
                }
                if (!paused) {
                    paused = true;
                    counters.onQuotaPause();
                    log.debug("{}: over the REQ quota of its address, pausing reads for {} ms",
                            client.channel(), TimeUnit.NANOSECONDS.toMillis(wait));
                    client.executor().schedule(this::resume, wait, TimeUnit.NANOSECONDS);
                }
            }
        }
    }

    private void clientProgress(long now) {
        lastClientProgress = now;
        clientBytesSinceProgress = 0;
    }

    private void resume() {
        if (closed || !paused) {
            return;
        }
        long now = System.nanoTime();
        long left = resumeAt - now;
        if (left > 0) { // another chunk deepened the debt meanwhile
            client.executor().schedule(this::resume, left, TimeUnit.NANOSECONDS);
            return;
        }
        paused = false;
        clientProgress(now); // the pause was ours, not the client's idleness
        if (readHeld && !draining) {
            readHeld = false;
            client.read();
        }
    }

    private void onDrainWriteDone(ChannelFuture written) {
        drainWrites--;
        if (written.isSuccess()) {
            closeIfDrained();
        }
    }

    private void startDrain() {
        if (draining || closed) {
            return;
        }
        draining = true;
        if (WriteQueueSample.pendingBytes(client.channel()) > 0) {
            // completes once everything queued before it has been written
            drainWrites++;
            client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) this::onDrainWriteDone);
        }
        closeIfDrained();
    }

    private void closeIfDrained() {
        if (!drained && outstanding() == 0 && drainWrites == 0) {
            drained = true;
            log.debug("{}: drained, closing", client.channel());
            RelayHandler.closeOnFlush(client.channel());
        }
    }

    private void startChecks() {
        ticker = tickers.forLoop(client.executor());
        ticker.add(this);
    }

    /** At a tick of the event loop's {@link GuardTicker}: closes the pair if a side was idle too long. */
    @Override
    void check(Limits limits, long now) {
        if (closed) {
            return;
        }
        takeProgress(now);
        if (waitingForUpstream()) {
            if (now - lastUpstreamProgress >= limits.upstreamIdleTimeout().toNanos()) {
                counters.onUpstreamIdleTimeout();
                log.debug("{}: upstream idle for {} with {} REQs unanswered, closing", client.channel(),
                        limits.upstreamIdleTimeout(), outstanding());
                client.close();
                return;
            }
        } else if (!paused && now - lastClientProgress >= limits.clientIdleTimeout().toNanos()) {
            counters.onClientIdleTimeout();
            log.debug("{}: client idle for {}, closing", client.channel(), limits.clientIdleTimeout());
            client.close();
        }
    }

    /** Stamps with {@code now} whatever progress each side made since the last tick. */
    private void takeProgress(long now) {
        if (clientProgressed) {
            clientProgressed = false;
            lastClientProgress = now;
        }
        if (toClient.peerTookBytes(client.channel())) {
            clientProgress(now);
        }
        boolean upstreamTookBytes = upstream != null && toUpstream.peerTookBytes(upstream);
        if (upstreamProgressed || upstreamTookBytes) {
            upstreamProgressed = false;
            lastUpstreamProgress = now;
        }
    }

    private void stop() {
        closed = true;
        if (ticker != null) {
            ticker.remove(this);
        }
    }

    /** What the client channel's relay tells the guard; also observes the client's lines. */
    private final class ClientSide implements RelayGuard {
        @Override
        public void onLine(MessageType message) {
            onClientLine(message);
        }

        @Override
        public void attached(ChannelHandlerContext relay) {
            // the relay joins once the upstream is up: the clocks start now
            client = relay;
            long now = System.nanoTime();
            lastClientProgress = now;
            lastUpstreamProgress = now;
            if (!closed) {
                startChecks();
            }
        }

        @Override
        public void chunkRead(ByteBuf chunk) {
            clientChunk(chunk);
        }

        @Override
        public boolean mayRead() {
            if (draining || paused) {
                readHeld = true; // resume() asks again; a drain never does
                return false;
            }
            return true;
        }

        @Override
        public ChannelPromise writing(Object msg, ChannelPromise promise) {
            toClient.queued(msg);
            if (!draining) {
                return promise;
            }
            ChannelPromise p = promise.unvoid();
            drainWrites++;
            p.addListener((ChannelFutureListener) ConnectionGuard.this::onDrainWriteDone);
            return p;
        }

        @Override
        public void drain() {
            startDrain();
        }

        @Override
        public void detached() {
            stop();
        }
    }

    /** What the upstream channel's relay tells the guard; also observes the upstream's lines. */
    private final class UpstreamSide implements RelayGuard {
        @Override
        public void onLine(MessageType message) {
            onUpstreamLine(message);
        }

        @Override
        public void attached(ChannelHandlerContext relay) {
            upstream = relay.channel();
        }

        @Override
        public void chunkRead(ByteBuf chunk) {
            upstreamProgressed = true;
        }

        @Override
        public ChannelPromise writing(Object msg, ChannelPromise promise) {
            toUpstream.queued(msg);
            return promise;
        }
    }

    /** For logs and tests. */
    @Override
    public String toString() {
        Channel c = client == null ? null : client.channel();
        return "ConnectionGuard[" + c + ", outstanding " + outstanding() + (draining ? ", draining" : "")
                + (paused ? ", paused" : "") + "]";
    }
}
