package io.fooproxy.frontend.relay;

import static java.util.Objects.requireNonNull;

import io.fooproxy.frontend.analytics.AnalyticsClock;
import io.fooproxy.frontend.analytics.AnalyticsRecorder;
import io.fooproxy.frontend.analytics.ConnectionAnalytics;
import io.fooproxy.frontend.config.Durations;
import io.fooproxy.frontend.config.FrontendConfig;
import io.fooproxy.frontend.config.Limits;
import io.fooproxy.frontend.config.LiveSettings;
import io.fooproxy.frontend.limits.AddressTable;
import io.fooproxy.frontend.limits.AdmissionHandler;
import io.fooproxy.frontend.limits.LimitsReport;
import io.fooproxy.frontend.sniff.TrafficSink;
import io.fooproxy.frontend.stats.LimitCounters;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.internal.SystemPropertyUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay server: accepts clients on {@code listen}, gives each one upstream connection to
 * {@code forward} on the client's own event loop, and relays and sniffs both directions.
 *
 * <p>Listening pipeline: {@link AdmissionHandler} (access rules, connection limits) before
 * Netty's acceptor. Client pipeline: {@link UpstreamConnectHandler} until the upstream is up
 * and {@link RelayHandler} after; {@link ConnectionCount} counts the connection. Upstream
 * pipeline: {@link RelayHandler} alone. Each relay sniffs what its channel reads and reports to
 * the connection's {@link ConnectionGuard} (timeouts, REQ quota, drain). Limits and access rules
 * are read from {@link LiveSettings} at each use, so a SIGHUP reload applies without a restart.
 */
public final class FrontendServer {
    private static final Logger log = LoggerFactory.getLogger(FrontendServer.class);
    private static final long CLOSE_WAIT_SECONDS = 2;
    private static final long EVENT_LOOP_SHUTDOWN_SECONDS = 5;
    private static final long REPORT_SECONDS = 10;

    private final FrontendConfig config;
    private final Transport transport;
    private final TrafficSink sink;
    private final LiveSettings settings;
    private final LimitCounters limitCounters;
    private final AddressTable addresses = new AddressTable();
    private final LimitsReport report;
    private final AnalyticsRecorder analytics;

    private EventLoopGroup acceptGroup;
    private EventLoopGroup ioGroup;
    private ChannelGroup clients;
    private Channel serverChannel;

    /** With the config's limits and access rules, fixed, and counters nobody reads. */
    public FrontendServer(FrontendConfig config, Transport transport, TrafficSink sink) {
        this(config, LiveSettings.of(config), transport, sink, new LimitCounters());
    }

    /**
     * @param config        listen and forward are used here
     * @param settings      limits and access rules, read at each use (SIGHUP replaces them)
     * @param transport     epoll or NIO
     * @param sink          gets every connection, byte and line event
     * @param limitCounters gets every refusal, idle timeout and quota pause
     */
    public FrontendServer(FrontendConfig config, LiveSettings settings, Transport transport, TrafficSink sink,
            LimitCounters limitCounters) {
        // analytics as the config says, recorded and never drained: each thread's share stays
        // bounded (see Interval), and the relay is tested with the trackers in place
        this(config, settings, transport, sink, limitCounters,
                new AnalyticsRecorder(config.analytics(), AnalyticsClock.SYSTEM));
    }

    /**
     * @param analytics gets a tracker per client connection (both directions' messages, its close)
     */
    public FrontendServer(FrontendConfig config, LiveSettings settings, Transport transport, TrafficSink sink,
            LimitCounters limitCounters, AnalyticsRecorder analytics) {
        this.analytics = requireNonNull(analytics, "analytics");
        this.config = requireNonNull(config, "config");
        this.settings = requireNonNull(settings, "settings");
        this.transport = requireNonNull(transport, "transport");
        this.sink = requireNonNull(sink, "sink");
        this.limitCounters = requireNonNull(limitCounters, "limitCounters");
        this.report = new LimitsReport(limitCounters, REPORT_SECONDS + "s");
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
        ioGroup = transport.newEventLoopGroup(ioThreads(), "frontend-io");
        clients = new DefaultChannelGroup("frontend-clients", GlobalEventExecutor.INSTANCE);

        // One read-size predictor for every channel: it only makes each channel's handle, and
        // Netty's default gives each channel an instance of its own (64 B per connection).
        AdaptiveRecvByteBufAllocator readSizes = new AdaptiveRecvByteBufAllocator();
        Bootstrap upstreamTemplate = new Bootstrap()
                .channel(transport.socketChannelClass())
                .remoteAddress(config.forward().connectAddress()) // one for all: a literal needs no lookup
                .option(ChannelOption.RCVBUF_ALLOCATOR, readSizes)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true);
        ChannelGroup accepted = clients;
        GuardTicker.Tickers guardTickers = new GuardTicker.Tickers(settings);
        ServerBootstrap server = new ServerBootstrap()
                .group(acceptGroup, ioGroup)
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new AdmissionHandler(settings, limitCounters, addresses))
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, readSizes)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.add(ch);
                        // this connection keeps the line length and connect timeout in force now
                        Limits limits = settings.limits();
                        int maxLineLength = limits.maxLineLength();
                        // the admission handler admitted it, so its address is in the table while it is open
                        InetAddress client = ((InetSocketAddress) ch.remoteAddress()).getAddress();
                        AddressTable.Entry address = requireNonNull(addresses.entry(client),
                                "a client the admission handler did not admit");
                        ConnectionGuard guard = new ConnectionGuard(settings, limitCounters, address.quota(),
                                maxLineLength, guardTickers);
                        ConnectionAnalytics protocol = analytics.open(client);
                        ConnectionCount.open(ch, sink, protocol);
                        Bootstrap upstream = upstreamTemplate.clone()
                                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) limits.connectTimeout().toMillis());
                        ch.pipeline().addLast(UpstreamConnectHandler.NAME, new UpstreamConnectHandler(
                                upstream, config.forward(), maxLineLength, sink, guard, protocol));
                    }
                });
        try {
            serverChannel = server.bind(config.listen().bindAddress()).syncUninterruptibly().channel();
        } catch (Exception e) { // the bind failure itself, thrown unchecked by Netty
            shutDownEventLoops();
            throw new IOException("cannot listen on " + config.listen() + ": " + RelayHandler.describe(e), e);
        }
        onAcceptLoopEvery(report, TimeUnit.SECONDS.toNanos(REPORT_SECONDS));
        if (analytics.enabled()) {
            // the in-flight gauges are sampled where the trackers live, on each event loop
            for (EventExecutor loop : ioGroup) {
                loop.scheduleAtFixedRate(analytics::sampleInFlight, 1, 1, TimeUnit.SECONDS);
            }
        }
        log.debug("relay started on {} with the {} transport", serverChannel.localAddress(), transport);
        return localAddress();
    }

    /**
     * One event loop per core by default; Netty's own {@code -Dio.netty.eventLoopThreads=N} (a JVM
     * option, see deploy/env.sh) overrides it, e.g. on a small box shared with other processes.
     */
    static int ioThreads() {
        return Math.max(1, SystemPropertyUtil.getInt("io.netty.eventLoopThreads",
                Runtime.getRuntime().availableProcessors()));
    }

    /** The bound address; only after {@link #start}. */
    public synchronized InetSocketAddress localAddress() {
        if (serverChannel == null) {
            throw new IllegalStateException("not started");
        }
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /**
     * Runs {@code task} every {@code period} on the accepting event loop, from now until the
     * server stops: light periodic work (the local rates' sampler) on a thread that is there
     * anyway, compiled, instead of a thread of its own waking as often. Only after {@link #start}.
     */
    public synchronized void runPeriodically(Runnable task, Duration period) {
        requireNonNull(task, "task");
        if (serverChannel == null) {
            throw new IllegalStateException("not started");
        }
        onAcceptLoopEvery(task, period.toNanos());
    }

    private void onAcceptLoopEvery(Runnable task, long nanos) {
        acceptGroup.scheduleAtFixedRate(() -> {
            try {
                task.run();
            } catch (RuntimeException e) { // a failing run must not cancel the later ones
                log.warn("periodic task {} failed", task, e);
            }
        }, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    /** Client connections open now. */
    public synchronized int openConnections() {
        return clients == null ? 0 : clients.size();
    }

    /**
     * Stops accepting and drains: a connection with no REQ awaiting its answer is closed at once;
     * the others read nothing more from their client and are closed as soon as their last answer
     * has been written, or at {@code drain} from now, whichever comes first (after flushing what
     * is already queued to them). Then shuts the event loops down. Safe to call more than once.
     */
    public synchronized void stop(Duration drain) {
        requireNonNull(drain, "drain");
        if (serverChannel == null) {
            return;
        }
        serverChannel.close().syncUninterruptibly();
        serverChannel = null;
        int open = clients.size();
        if (open > 0) {
            log.info("stopped accepting; draining {} open connections: those without a REQ in flight close now,"
                    + " the others get up to {} for their answers", open, Durations.format(drain));
            ChannelGroupFuture allClosed = clients.newCloseFuture();
            for (Channel client : clients) {
                client.pipeline().fireUserEventTriggered(ConnectionGuard.Drain.INSTANCE);
            }
            allClosed.awaitUninterruptibly(drain.toNanos(), TimeUnit.NANOSECONDS);
            int left = clients.size();
            if (left > 0) {
                log.info("drain deadline: closing {} connections still waiting for answers", left);
                for (Channel client : clients) {
                    client.eventLoop().execute(() -> RelayHandler.closeOnFlush(client));
                }
                clients.newCloseFuture().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            } else {
                log.info("drained: every connection closed within the deadline");
            }
        }
        report.run(); // the last period's refusals and timeouts
        shutDownEventLoops();
    }

    /** Client addresses with a connection open now. */
    public int addressesWithConnections() {
        return addresses.addresses();
    }

    private void shutDownEventLoops() {
        Future<?> accept = acceptGroup.shutdownGracefully(0, EVENT_LOOP_SHUTDOWN_SECONDS, TimeUnit.SECONDS);
        Future<?> io = ioGroup.shutdownGracefully(0, EVENT_LOOP_SHUTDOWN_SECONDS, TimeUnit.SECONDS);
        accept.awaitUninterruptibly(EVENT_LOOP_SHUTDOWN_SECONDS + 1, TimeUnit.SECONDS);
        io.awaitUninterruptibly(EVENT_LOOP_SHUTDOWN_SECONDS + 1, TimeUnit.SECONDS);
    }
}
