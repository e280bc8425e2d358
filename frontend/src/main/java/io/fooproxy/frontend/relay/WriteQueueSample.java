package io.fooproxy.frontend.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;

/**
 * Whether a peer took bytes between two ticks of the {@link ConnectionGuard}, from its outbound
 * buffer alone: without a promise per write. Netty counts an entry's bytes plus a fixed
 * bookkeeping overhead as pending, so with nothing written the buffer holds at least what it
 * held at the last tick plus the bytes queued since; holding less means entries were written
 * (or partly written). So it never reports progress that was not made. It can miss a few bytes
 * taken in a tick when the new entries' overhead outweighs them, which only delays a timeout by
 * a tick. Used on the channel's event loop only.
 */
final class WriteQueueSample {
    private long queuedSinceTick;
    private long pendingAtTick;

    /** A message about to be written to the peer. */
    void queued(Object msg) {
        if (msg instanceof ByteBuf buf) {
            queuedSinceTick += buf.readableBytes();
        }
    }

    /** At a tick: whether {@code peer} took bytes since the last one. */
    boolean peerTookBytes(Channel peer) {
        long pending = pendingBytes(peer);
        boolean took = pending < pendingAtTick + queuedSinceTick;
        pendingAtTick = pending;
        queuedSinceTick = 0;
        return took;
    }

    /** Bytes queued on {@code channel} and not yet written to its socket (0 once it is closed). */
    static long pendingBytes(Channel channel) {
        ChannelOutboundBuffer queue = channel.unsafe().outboundBuffer();
        return queue == null ? 0 : queue.totalPendingWriteBytes();
    }
}
