package io.fooproxy.frontend.relay;

import static java.util.Objects.requireNonNull;

import io.fooproxy.frontend.config.ConfigException;
import io.fooproxy.frontend.config.ConfigKey;
import io.fooproxy.frontend.config.TransportChoice;
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
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.function.Supplier;

/**
 * The socket implementation the relay runs on: Linux's native epoll where it loads, else Java
 * NIO; io_uring when the {@code transport} setting asks for it.
 *
 * <p>Epoll is the default: cheaper than NIO per system call (no JDK selector and socket
 * wrappers, reads straight into the buffer's memory), and the transport every test, end to end
 * included, has run on. io_uring hands the kernel every read and write an event-loop pass has
 * queued in one system call and measured faster still (README, Performance), but on it a client
 * that resets its connection right after connecting may never reach the relay, so it is not
 * counted in {@code connections_total}; until that is understood it is opt-in. Netty 4.2.18's
 * epoll has a defect with half-closed channels that {@link EpollStaysRegistered} works around;
 * {@code FrontendServerTest} runs every relay behaviour on every transport this machine has.
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

    /**
     * The transport the {@code transport} setting asks for.
     *
     * @throws ConfigException naming the key when that transport is not available on this machine
     */
    public static Transport of(TransportChoice choice) {
        try {
            return switch (requireNonNull(choice, "choice")) {
                case AUTO -> preferred();
                case IO_URING -> ioUring();
                case EPOLL -> epoll();
                case NIO -> nio();
            };
        } catch (IllegalStateException unavailable) {
            throw new ConfigException(ConfigKey.TRANSPORT.key(), unavailable.getMessage());
        }
    }

    /** The transport the frontend runs on by default: epoll when available, else NIO. */
    public static Transport preferred() {
        return epollAvailable() ? epoll() : nio();
    }

    /** Whether {@link #ioUring()} can be used here: the native library loads and the kernel allows io_uring. */
    public static boolean ioUringAvailable() {
        return IoUring.isAvailable();
    }

    /** @throws IllegalStateException when the native library cannot load or the kernel refuses io_uring */
    public static Transport ioUring() {
        if (!IoUring.isAvailable()) {
            throw new IllegalStateException("io_uring is not available: " + IoUring.unavailabilityCause());
        }
        return new Transport("io_uring", IoUringIoHandler::newFactory, IoUringServerSocketChannel.class,
                IoUringSocketChannel.class);
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

    /** "io_uring", "epoll" or "nio". */
    @Override
    public String toString() {
        return name;
    }
}
