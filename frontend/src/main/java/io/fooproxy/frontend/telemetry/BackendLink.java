package io.fooproxy.frontend.telemetry;

import static java.util.Objects.requireNonNull;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.IoHandlerFactory;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The frontend's one connection to the backend: a gRPC channel whose I/O runs on a single
 * event-loop thread ("telemetry-N-1") that the {@link TelemetryPublisher} runs on as well
 * ({@link #executor}). The telemetry stream and the stats queries share the channel.
 *
 * <p>Why one thread for both: with the publisher on a thread of its own, every batch crossed
 * threads twice (the tick hands the write to gRPC's event loop, which hands the ack back), so each
 * batch woke two threads and switched context four times, twenty times a second, on cores the
 * relay needs. On one thread the tick writes where gRPC's I/O runs and the ack is handled where it
 * is read. Measured against the two-thread build, alternated (bench/FINDINGS.md, telemetry): the
 * telemetry threads about 15 % less CPU, the whole frontend 1 to 5 % less.
 *
 * <p>The publisher's work runs between gRPC's reads and writes, so nothing scheduled on {@link
 * #executor} may block.
 */
public final class BackendLink implements AutoCloseable {
    private final EventLoopGroup loop;
    private final ManagedChannel channel;

    private BackendLink(EventLoopGroup loop, ManagedChannel channel) {
        this.loop = loop;
        this.channel = channel;
    }

    /**
     * A link to the backend at {@code host}:{@code port}; the channel connects lazily, on the first
     * call. {@code host} stays a name: gRPC's resolver looks it up, and again on each reconnect.
     */
    public static BackendLink to(String host, int port) {
        requireNonNull(host, "host");
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends Channel> channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("telemetry", true), io);
        ManagedChannel channel = NettyChannelBuilder.forAddress(host, port)
                .eventLoopGroup(loop)
                .channelType(channelType)
                .usePlaintext()
                // a backend that stops answering without closing the connection (frozen, or its
                // host gone) would otherwise hold the telemetry stream forever: an unanswered
                // ping closes the connection and the publisher resends on a new one. Pings go
                // only after 20 s without a read (acks arrive far more often), above the 10 s
                // the backend permits.
                .keepAliveTime(20, TimeUnit.SECONDS)
                .keepAliveTimeout(10, TimeUnit.SECONDS)
                // The publisher resends unacknowledged batches on a new stream itself, so gRPC's
                // own retry layer would only buffer each message a second time.
                .disableRetry()
                // Callbacks run on the event loop, where the publisher runs too: its re-posts
                // stay on this thread. The stats stub is blocking (its own executor).
                .directExecutor()
                .build();
        return new BackendLink(loop, channel);
    }

    public ManagedChannel channel() {
        return channel;
    }

    /** The event loop the channel's I/O runs on; the publisher's executor. */
    public ScheduledExecutorService executor() {
        return loop.next();
    }

    /**
     * Shuts the channel down (up to a second for calls still running, then cancels them), then
     * the event loop. Close the publisher first: its last batches travel on this channel.
     */
    @Override
    public void close() {
        channel.shutdown();
        try {
            channel.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        channel.shutdownNow();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
