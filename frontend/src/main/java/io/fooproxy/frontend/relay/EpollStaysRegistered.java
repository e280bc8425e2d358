package io.fooproxy.frontend.relay;

import static java.util.Objects.requireNonNull;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * Netty's epoll I/O handler with one defect of 4.2.18 worked around: a channel must never be
 * told to wait for nothing.
 *
 * <p>When a channel has nothing left to wait for (its input shut down by the peer's FIN, no read
 * requested, no write pending), its interest set becomes empty and {@code EpollIoHandler} removes
 * its fd from the epoll set ({@code EPOLL_CTL_DEL}), but goes on treating it as added: the next
 * interest change ({@code EPOLL_CTL_MOD} for EPOLLOUT when the socket buffer fills) fails with
 * ENOENT and the channel is closed. For the relay that is a client that sends its requests, then
 * FIN, and loses the tail of a large answer.
 *
 * <p>Here an empty interest set is registered as {@code EPOLLET} alone instead: the fd stays in
 * the epoll set, so the next change is a valid MOD; edge-triggered, the HUP or ERR that epoll
 * reports whatever the interest wakes the loop once per edge, not in a loop (which is what the
 * removal in Netty was for). An error still reaches the channel that way, and closes it.
 * Everything else goes to Netty's handler unchanged. {@code FrontendServerTest} sends a 16 MiB
 * answer to a half-closed client over this transport.
 */
final class EpollStaysRegistered implements IoHandler {
    private final IoHandler epoll;

    private EpollStaysRegistered(IoHandler epoll) {
        this.epoll = epoll;
    }

    /** {@code epollHandlers} (Netty's {@code EpollIoHandler.newFactory()}), with the workaround. */
    static IoHandlerFactory wrap(IoHandlerFactory epollHandlers) {
        requireNonNull(epollHandlers, "epollHandlers");
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(ThreadAwareExecutor ioExecutor) {
                return new EpollStaysRegistered(epollHandlers.newHandler(ioExecutor));
            }

            @Override
            public boolean isChangingThreadSupported() {
                return epollHandlers.isChangingThreadSupported();
            }
        };
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        return new Registration(epoll.register(handle));
    }

    @Override
    public void initialize() {
        epoll.initialize();
    }

    @Override
    public int run(IoHandlerContext context) {
        return epoll.run(context);
    }

    @Override
    public void prepareToDestroy() {
        epoll.prepareToDestroy();
    }

    @Override
    public void destroy() {
        epoll.destroy();
    }

    @Override
    public void wakeup() {
        epoll.wakeup();
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return epoll.isCompatible(handleType);
    }

    /** One channel's registration: an empty interest set goes to epoll as EPOLLET. */
    private record Registration(IoRegistration epoll) implements IoRegistration {
        @Override
        public long submit(IoOps ops) {
            boolean none = ops instanceof EpollIoOps e && e.value() == 0;
            return epoll.submit(none ? EpollIoOps.EPOLLET : ops);
        }

        @Override
        public <T> T attachment() {
            return epoll.attachment();
        }

        @Override
        public boolean isValid() {
            return epoll.isValid();
        }

        @Override
        public boolean cancel() {
            return epoll.cancel();
        }
    }
}
