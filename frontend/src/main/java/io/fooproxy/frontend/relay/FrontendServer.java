package io.fooproxy.frontend.relay;

import static java.util.Objects.requireNonNull;

import io.fooproxy.frontend.config.FrontendConfig;
import io.fooproxy.frontend.sniff.Direction;
import io.fooproxy.frontend.sniff.LineScanner;
import io.fooproxy.frontend.sniff.SniffHandler;
import io.fooproxy.frontend.sniff.TrafficSink;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay server: accepts clients on {@code listen}, gives each one upstream connection to
 * {@code forward} on the client's own event loop, and relays and sniffs both directions.
 *
 * <p>Client pipeline: {@link ConnectionCountingHandler}, {@link SniffHandler} (client to
 * server), then {@link UpstreamConnectHandler} until the upstream is up and {@link
 * RelayHandler} after. Upstream pipeline: {@link SniffHandler} (server to client), {@link
 * RelayHandler}.
 */
public final class FrontendServer {
    private static final Logger log = LoggerFactory.getLogger(FrontendServer.class);
    private static final long CLOSE_WAIT_SECONDS = 2;
    private static final long EVENT_LOOP_SHUTDOWN_SECONDS = 5;

    private final FrontendConfig config;
    private final Transport transport;
    private final TrafficSink sink;
    private final ConnectionCountingHandler connectionCounter;

    private EventLoopGroup acceptGroup;
    private EventLoopGroup ioGroup;
    private ChannelGroup clients;
    private Channel serverChannel;

    /**
     * @param config    listen, forward, connect-timeout and max-line-length are used here
     * @param transport epoll or NIO
     * @param sink      gets every connection, byte and line event
     */
    public FrontendServer(FrontendConfig config, Transport transport, TrafficSink sink) {
        this.config = requireNonNull(config, "config");
        this.transport = requireNonNull(transport, "transport");
        this.sink = requireNonNull(sink, "sink");
        this.connectionCounter = new ConnectionCountingHandler(sink);
    }

    /**
     * Binds the listen address and starts accepting.
     *
     * @return the bound address (the real port when {@code listen} asked for port 0)
     * @throws IOException one line saying why the address cannot be bound (e.g. in use)
     */
    public synchronized InetSocketAddress start() throws IOException {
        if (serverChannel != null) {
            throw new IllegalStateException("already started");
        }
        acceptGroup = transport.newEventLoopGroup(1, "frontend-accept");
        ioGroup = transport.newEventLoopGroup(Runtime.getRuntime().availableProcessors(), "frontend-io");
        clients = new DefaultChannelGroup("frontend-clients", GlobalEventExecutor.INSTANCE);

        Bootstrap upstreamTemplate = new Bootstrap()
                .channel(transport.socketChannelClass())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis());
        int maxLineLength = config.maxLineLength();
        ChannelGroup accepted = clients;
        ServerBootstrap server = new ServerBootstrap()
                .group(acceptGroup, ioGroup)
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.add(ch);
                        ch.pipeline().addLast(ConnectionCountingHandler.NAME, connectionCounter);
                        ch.pipeline().addLast(SniffHandler.NAME, new SniffHandler(
                                new LineScanner(Direction.CLIENT_TO_SERVER, maxLineLength, sink)));
                        ch.pipeline().addLast(UpstreamConnectHandler.NAME,
                                new UpstreamConnectHandler(upstreamTemplate, config.forward(), maxLineLength, sink));
                    }
                });
        try {
            serverChannel = server.bind(config.listen().bindAddress()).syncUninterruptibly().channel();
        } catch (Exception e) { // the bind failure itself, thrown unchecked by Netty
            shutDownEventLoops();
            throw new IOException("cannot listen on " + config.listen() + ": " + RelayHandler.describe(e), e);
        }
        log.debug("relay started on {} with the {} transport", serverChannel.localAddress(), transport);
        return localAddress();
    }

    /** The bound address; only after {@link #start}. */
    public synchronized InetSocketAddress localAddress() {
        if (serverChannel == null) {
            throw new IllegalStateException("not started");
        }
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Client connections open now. */
    public synchronized int openConnections() {
        return clients == null ? 0 : clients.size();
    }

    /**
     * Stops accepting, gives open connections up to {@code drain} to finish by themselves,
     * closes the rest (after flushing what is already queued to them) and shuts the event
     * loops down. Safe to call more than once.
     */
    public synchronized void stop(Duration drain) {
        requireNonNull(drain, "drain");
        if (serverChannel == null) {
            return;
        }
        serverChannel.close().syncUninterruptibly();
        serverChannel = null;
        if (!clients.isEmpty()) {
            log.info("stopped accepting; waiting up to {} ms for {} open connections",
                    drain.toMillis(), clients.size());
            long deadline = System.nanoTime() + drain.toNanos();
            for (Channel client : clients) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                client.closeFuture().awaitUninterruptibly(left, TimeUnit.NANOSECONDS);
            }
            if (!clients.isEmpty()) {
                log.info("closing {} connections still open", clients.size());
                for (Channel client : clients) {
                    client.eventLoop().execute(() -> RelayHandler.closeOnFlush(client));
                }
                clients.newCloseFuture().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            }
        }
        shutDownEventLoops();
    }

    private void shutDownEventLoops() {
        Future<?> accept = acceptGroup.shutdownGracefully(0, EVENT_LOOP_SHUTDOWN_SECONDS, TimeUnit.SECONDS);
        Future<?> io = ioGroup.shutdownGracefully(0, EVENT_LOOP_SHUTDOWN_SECONDS, TimeUnit.SECONDS);
        accept.awaitUninterruptibly(EVENT_LOOP_SHUTDOWN_SECONDS + 1, TimeUnit.SECONDS);
        io.awaitUninterruptibly(EVENT_LOOP_SHUTDOWN_SECONDS + 1, TimeUnit.SECONDS);
    }
}
