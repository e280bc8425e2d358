package io.fooproxy.testkit.server;

import static java.util.Objects.requireNonNull;

import io.fooproxy.testkit.config.Durations;
import io.fooproxy.testkit.net.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference Foo server, runnable in-process ({@code try (var s = ReferenceServer.start(0)) …})
 * and behind the {@code server} command.
 */
public final class ReferenceServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReferenceServer.class);

    private final ServerConfig config;
    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final InetSocketAddress localAddress;
    private final AtomicLong connections;
    private final LongAdder answeredRequests;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ReferenceServer(ServerConfig config, EventLoopGroup group, Channel serverChannel,
                            AtomicLong connections, LongAdder answeredRequests) {
        this.config = config;
        this.group = group;
        this.serverChannel = serverChannel;
        this.localAddress = (InetSocketAddress) serverChannel.localAddress();
        this.connections = connections;
        this.answeredRequests = answeredRequests;
    }

    /** Starts a server with the defaults on 127.0.0.1:{@code port} (0 = a free port). */
    public static ReferenceServer start(int port) {
        return start(ServerConfig.loopback(port));
    }

    public static ReferenceServer start(ServerConfig config) {
        return start(config, Transport.auto());
    }

    /**
     * Binds and starts serving.
     *
     * @throws IllegalStateException if the address cannot be bound
     */
    public static ReferenceServer start(ServerConfig config, Transport transport) {
        requireNonNull(config, "config");
        requireNonNull(transport, "transport");
        EventLoopGroup group = transport.newEventLoopGroup(config.threads(), "foo-server");
        AtomicLong connections = new AtomicLong();
        LongAdder answered = new LongAdder();
        long seedBase = config.seed().orElseGet(() -> ThreadLocalRandom.current().nextLong());
        try {
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(transport.serverChannelType())
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            long index = connections.getAndIncrement();
                            // a distinct, reproducible stream per connection (in accept order)
                            long seed = new SplittableRandom(seedBase + index).nextLong();
                            ch.pipeline().addLast(FooServerHandler.NAME, new FooServerHandler(config, seed, answered));
                        }
                    })
                    .bind(config.listen().toBindAddress())
                    .syncUninterruptibly()
                    .channel();
            ReferenceServer server = new ReferenceServer(config, group, channel, connections, answered);
            log.info("reference Foo server listening on {} ({}, nak {}%, fragment {}, delay {}, seed {})",
                    server.localAddress(), transport, config.nakPercent(), config.fragment() ? "on" : "off",
                    Durations.format(config.delay()), config.seed().isPresent() ? seedBase : "random");
            return server;
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
            throw new IllegalStateException("cannot listen on " + config.listen() + ": " + e.getMessage(), e);
        }
    }

    /** The bound address (stays valid after {@link #close()}). */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    public int port() {
        return localAddress().getPort();
    }

    public ServerConfig config() {
        return config;
    }

    /** Connections accepted since start. */
    public long connectionsAccepted() {
        return connections.get();
    }

    /** REQs answered (written or queued for writing) since start, over all connections. */
    public long requestsAnswered() {
        return answeredRequests.sum();
    }

    /** Stops listening, closes every connection, and waits for the threads to stop. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        serverChannel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        log.info("reference Foo server on port {} stopped", port());
    }
}
