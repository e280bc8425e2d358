package io.fooproxy.frontend.relay;

import io.fooproxy.frontend.sniff.LineObserver;
import io.fooproxy.frontend.sniff.MessageType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * What one channel's {@link RelayHandler} tells the connection's guard, and asks of it: the
 * {@link ConnectionGuard}'s client side or upstream side. Also the {@link LineObserver} of that
 * channel's scanner, so the guard sees each line the relay sniffs. Everything is called on the
 * pair's event loop. Not a handler of its own, so a guarded channel has one handler context, not
 * two.
 */
interface RelayGuard extends LineObserver {
    /** Guards nothing: every read and write goes ahead (relays tested on their own). */
    RelayGuard NONE = new RelayGuard() { };

    @Override
    default void onLine(MessageType message) { }

    /** The relay joined its channel's pipeline; the channel may or may not be active yet. */
    default void attached(ChannelHandlerContext relay) { }

    /** A chunk this channel read, already sniffed, about to be written to the peer. */
    default void chunkRead(ByteBuf chunk) { }

    /**
     * May this channel be asked for its next chunk now? When not, the guard has noted the
     * request and asks for the read itself once it may.
     */
    default boolean mayRead() {
        return true;
    }

    /** A write to this channel; returns the promise to write it with. */
    default ChannelPromise writing(Object msg, ChannelPromise promise) {
        return promise;
    }

    /** The frontend is stopping: read no more, close once every REQ is answered. */
    default void drain() { }

    /** The channel closed or the relay left it: nothing more to watch. */
    default void detached() { }
}
