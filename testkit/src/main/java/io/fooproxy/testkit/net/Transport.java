package io.fooproxy.testkit.net;

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

/** The socket transport: native epoll on Linux when it loads, NIO everywhere else. */
public final class Transport {
    private final String name;
    private final Supplier<IoHandlerFactory> ioHandlers;
    private final Class<? extends ServerChannel> serverChannelType;
    private final Class<? extends SocketChannel> socketChannelType;

    private Transport(String name, Supplier<IoHandlerFactory> ioHandlers,
                      Class<? extends ServerChannel> serverChannelType,
                      Class<? extends SocketChannel> socketChannelType) {
        this.name = name;
        this.ioHandlers = ioHandlers;
        this.serverChannelType = serverChannelType;
        this.socketChannelType = socketChannelType;
    }

    /** Epoll if available, otherwise NIO. */
    public static Transport auto() {
        return Epoll.isAvailable() ? epoll() : nio();
    }

    public static Transport nio() {
        return new Transport("nio", NioIoHandler::newFactory, NioServerSocketChannel.class, NioSocketChannel.class);
    }

    private static Transport epoll() {
        return new Transport("epoll", EpollIoHandler::newFactory, EpollServerSocketChannel.class,
                EpollSocketChannel.class);
    }

    /**
     * A new event loop group of daemon threads named after {@code purpose}; {@code threads <= 0}
     * means one per core.
     */
    public EventLoopGroup newEventLoopGroup(int threads, String purpose) {
        requireNonNull(purpose, "purpose");
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        return new MultiThreadIoEventLoopGroup(n, new DefaultThreadFactory(purpose, true), ioHandlers.get());
    }

    public Class<? extends ServerChannel> serverChannelType() {
        return serverChannelType;
    }

    public Class<? extends SocketChannel> socketChannelType() {
        return socketChannelType;
    }

    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}
