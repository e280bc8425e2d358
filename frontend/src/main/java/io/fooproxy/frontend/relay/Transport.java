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
 * The socket implementation the relay runs on: Java NIO, or Linux's native epoll.
 *
 * <p>{@link #preferred()} is NIO, on Linux too, because of a defect in the epoll transport of
 * the Netty in use (4.2.18): once a channel has nothing to wait for (its input shut down by
 * the peer's FIN, no read requested, no write pending), {@code EpollIoHandler} removes its fd
 * from the epoll set ({@code EPOLL_CTL_DEL}) but keeps treating it as added, so the next
 * interest change ({@code EPOLL_CTL_MOD} for EPOLLOUT when the socket buffer fills, or EPOLLIN
 * for a read) fails with ENOENT and the channel is failed. For this relay that means a client
 * that half-closes (sends its requests, then FIN) loses the tail of a large answer. {@code
 * FrontendServerTest} shows it with a 16 MiB answer: NIO delivers every byte, epoll cuts it off.
 * Switch {@link #preferred()} back to epoll (when available) with a Netty release that fixes it.
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

    /** The transport the frontend runs on: NIO (see the class comment for why not epoll yet). */
    public static Transport preferred() {
        return nio();
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
        return new Transport("epoll", EpollIoHandler::newFactory, EpollServerSocketChannel.class,
                EpollSocketChannel.class);
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
