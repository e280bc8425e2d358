package io.fooproxy.frontend.relay;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;

/**
 * An {@link EmbeddedChannel} that can be half-closed like a TCP channel: {@link #receiveFin}
 * plays the remote end's FIN, and {@link #shutdownOutput} records how many messages had been
 * written when our own FIN went out.
 */
final class EmbeddedDuplexChannel extends EmbeddedChannel implements DuplexChannel {
    private boolean inputShutdown;
    private boolean outputShutdown;
    private int writtenBeforeOutputShutdown = -1;

    EmbeddedDuplexChannel(ChannelHandler... handlers) {
        super(handlers);
    }

    /** For a channel that a Bootstrap registers (not registered here). */
    EmbeddedDuplexChannel(boolean register, ChannelHandler... handlers) {
        super(register, false, handlers);
    }

    /** The remote end sent its FIN: as a TCP channel with ALLOW_HALF_CLOSURE reports it. */
    void receiveFin() {
        inputShutdown = true;
        pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    }

    /** Messages that had been written when the output was shut down; -1 if it was not. */
    int writtenBeforeOutputShutdown() {
        return writtenBeforeOutputShutdown;
    }

    @Override
    public boolean isInputShutdown() {
        return inputShutdown;
    }

    @Override
    public ChannelFuture shutdownInput() {
        return shutdownInput(newPromise());
    }

    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        inputShutdown = true;
        return promise.setSuccess();
    }

    @Override
    public boolean isOutputShutdown() {
        return outputShutdown;
    }

    @Override
    public ChannelFuture shutdownOutput() {
        return shutdownOutput(newPromise());
    }

    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        if (!outputShutdown) {
            outputShutdown = true;
            writtenBeforeOutputShutdown = outboundMessages().size();
        }
        return promise.setSuccess();
    }

    @Override
    public boolean isShutdown() {
        return inputShutdown && outputShutdown;
    }

    @Override
    public ChannelFuture shutdown() {
        return shutdown(newPromise());
    }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        shutdownInput();
        return shutdownOutput(promise);
    }
}
