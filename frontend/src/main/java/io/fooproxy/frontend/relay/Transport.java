package io.fooproxy.frontend.relay;

import static java.util.Objects.requireNonNull;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.function.Supplier;

/**
 * The socket implementation the relay runs on: Linux's native epoll where it loads, Java NIO
 * elsewhere.
 *
 * <p>Epoll is preferred because it is the cheaper of the two per system call (no JDK selector
 * and socket wrappers, no selected-key set, reads straight into the buffer's memory) and holds
 * less per connection. Netty 4.2.18's epoll has a defect with half-closed channels that {@link
 * EpollStaysRegistered} works around; {@code FrontendServerTest} runs every relay behaviour on
 * both transports.
 */
public final class Transport {
    private final String name;
    private final Supplier<IoHandlerFactory> ioHandlerFactory;
    private final Class<? extends ServerChannel> serverChannelClass;
    private final Class<? extends SocketChannel> socketChannelClass;

    private Transport(String name, Supplier<IoHandlerFactory> ioHandlerFactory,
            Class<? extends ServerChannel> serverChannelClass, Class<? extends SocketChannel> socketChannelClass) {
        this.name = name;
        this.ioHandlerFactory = ioHandlerFactory;
        this.serverChannelClass = serverChannelClass;
        this.socketChannelClass = socketChannelClass;
    }

    /** The transport the frontend runs on: epoll when available, else NIO. */
    public static Transport preferred() {
        return epollAvailable() ? epoll() : nio();
    }

    /** Whether {@link #epoll()} can be used on this machine. */
    public static boolean epollAvailable() {
        return Epoll.isAvailable();
    }

    public static Transport nio() {
        return new Transport("nio", NioIoHandler::newFactory, NioServerSocketChannel.class, NioSocketChannel.class);
    }

    /** @throws IllegalStateException when the native library cannot load on this machine */
    public static Transport epoll() {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("epoll is not available: " + Epoll.unavailabilityCause());
        }
        return new Transport("epoll", () -> EpollStaysRegistered.wrap(EpollIoHandler.newFactory()),
                EpollServerSocketChannel.class, EpollSocketChannel.class);
    }

    /** A new group of {@code threads} event loops whose threads are named {@code threadName-N}. */
    public EventLoopGroup newEventLoopGroup(int threads, String threadName) {
        requireNonNull(threadName, "threadName");
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadName), ioHandlerFactory.get());
    }

    public Class<? extends ServerChannel> serverChannelClass() {
        return serverChannelClass;
    }

    public Class<? extends SocketChannel> socketChannelClass() {
        return socketChannelClass;
    }

    /** "epoll" or "nio". */
    @Override
    public String toString() {
        return name;
    }
}
