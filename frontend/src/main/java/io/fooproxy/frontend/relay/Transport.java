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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket implementation the relay runs on: Linux's io_uring where the kernel allows it, else
 * epoll, else Java NIO; the {@code transport} setting can name one.
 *
 * <p>io_uring hands the kernel every read and write an event-loop pass has queued in one system
 * call, where epoll makes one per chunk plus an {@code epoll_wait}; it measured level with epoll
 * at one connection and faster with many (bench/FINDINGS.md). Epoll is cheaper than NIO per
 * system call (no JDK selector and socket wrappers, reads straight into the buffer's memory).
 * Netty 4.2.18's epoll has a defect with half-closed channels that {@link EpollStaysRegistered}
 * works around; {@code FrontendServerTest} runs every relay behaviour on every transport this
 * machine has.
 *
 * <p>On io_uring the frontend accepts one connection per submission, not with Netty's default
 * multishot accept: a multishot accept hands the connection over without its peer address, which
 * Netty then asks the socket for, and a client that reset right after connecting has none any
 * more, so it could be neither checked against the access rules nor counted. See {@link
 * #ACCEPT_MULTISHOT_PROPERTY}.
 *
 * <p>It also waits for readable sockets with one-shot polls, not Netty's default multishot ones:
 * with a multishot poll, a client that sent its data and then reset sometimes left its channel
 * waiting on a poll that never fired again, so the connection stayed open and counted active
 * until an idle timeout. {@code FrontendServerTest}'s reset case, repeated on a box kept busy:
 * 54 of 670 runs left a connection open with multishot polls, none of 650 with one-shot polls.
 * See {@link #POLL_MULTISHOT_PROPERTY}.
 */
public final class Transport {
    /**
     * Netty's switch for multishot accept, read once when its io_uring support initialises. Set
     * to false before that unless the JVM's options already set it: a system property is the only
     * way Netty 4.2 offers to choose.
     */
    static final String ACCEPT_MULTISHOT_PROPERTY = "io.netty.iouring.acceptMultiShotEnabled";
    /** Netty's switch for multishot poll, set to false the same way (see the class comment). */
    static final String POLL_MULTISHOT_PROPERTY = "io.netty.iouring.pollAddMultishotEnabled";
    private static final Logger log = LoggerFactory.getLogger(Transport.class);

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

    /** The transport the frontend runs on by default: io_uring when available, else epoll, else NIO. */
    public static Transport preferred() {
        if (ioUringAvailable()) {
            return ioUring();
        }
        return epollAvailable() ? epoll() : nio();
    }

    /** Whether {@link #ioUring()} can be used here: the native library loads and the kernel allows io_uring. */
    public static boolean ioUringAvailable() {
        // before IoUring reads them; see the class comment
        for (String property : new String[] {ACCEPT_MULTISHOT_PROPERTY, POLL_MULTISHOT_PROPERTY}) {
            if (System.getProperty(property) == null) {
                System.setProperty(property, "false");
            }
        }
        return IoUring.isAvailable();
    }

    /** @throws IllegalStateException when the native library cannot load or the kernel refuses io_uring */
    public static Transport ioUring() {
        if (!ioUringAvailable()) {
            throw new IllegalStateException("io_uring is not available: " + IoUring.unavailabilityCause());
        }
        if (IoUring.isAcceptMultishotEnabled()) {
            log.warn("io_uring multishot accept is on (-D{}=true): a client that resets right after connecting"
                    + " is refused uncounted", ACCEPT_MULTISHOT_PROPERTY);
        }
        if (IoUring.isPollAddMultishotEnabled()) {
            log.warn("io_uring multishot poll is on (-D{}=true): a client that resets after sending may stay"
                    + " open until an idle timeout", POLL_MULTISHOT_PROPERTY);
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
