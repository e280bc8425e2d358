package io.fooproxy.testkit.load;

import static java.util.Objects.requireNonNull;

import io.fooproxy.testkit.net.Transport;
import io.fooproxy.testkit.protocol.FooWire;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives Foo traffic at a server or proxy and measures it: {@code LoadGenerator.run(config)}.
 *
 * <p>Phases: connect every connection; send (warm-up, then the measured duration, or until each
 * connection's request budget is answered); stop sending; wait at most the drain timeout for the
 * outstanding answers; close. Every phase is bounded, so a run always ends by itself.
 */
public final class LoadGenerator {
    private static final Logger log = LoggerFactory.getLogger(LoadGenerator.class);
    private static final int DATA_POOL_BYTES = 4096;
    /** Bound on a controller task on the event loops (start, mark, stop, close). */
    private static final long TASK_WAIT_MILLIS = 10_000;

    private final LoadConfig config;
    private final LoadListener listener;
    private final Transport transport;
    private final EventLoopGroup group;
    private final RunMonitor monitor;
    private final LatencyRecorders recorders = new LatencyRecorders();
    private final List<LoadConnection> connections = new ArrayList<>();
    private final List<Channel> channels = new ArrayList<>();

    private LoadGenerator(LoadConfig config, LoadListener listener, Transport transport, EventLoopGroup group) {
        this.config = config;
        this.listener = listener;
        this.transport = transport;
        this.group = group;
        this.monitor = new RunMonitor(config.connections(), config.stopOnFirstError());
    }

    public static LoadResult run(LoadConfig config) {
        return run(config, LoadListener.NONE);
    }

    public static LoadResult run(LoadConfig config, LoadListener listener) {
        return run(config, listener, Transport.auto());
    }

    /** Runs the load to its end and returns the exact counts and the latencies. */
    public static LoadResult run(LoadConfig config, LoadListener listener, Transport transport) {
        requireNonNull(config, "config");
        requireNonNull(listener, "listener");
        requireNonNull(transport, "transport");
        EventLoopGroup group = transport.newEventLoopGroup(config.threads(), "foo-load");
        LoadGenerator generator = new LoadGenerator(config, listener, transport, group);
        Timing timing;
        try {
            timing = generator.drive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("load run interrupted", e);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        // the event loops have terminated: their writes are visible here
        return generator.result(timing);
    }

    private record Timing(long measureStart, long stop) {}

    private Timing drive() throws InterruptedException {
        connectAll();
        long start = System.nanoTime();
        ScheduledExecutorService progress = startProgress(start);
        try {
            long spacing = config.rate() > 0 ? (long) (1e9 / config.rate()) : 0;
            boolean warmup = !config.warmup().isZero();
            for (int i = 0; i < connections.size(); i++) {
                long paceStart = start + i * spacing; // spread the connections' pacing over one interval
                onEach(i, c -> c.start(paceStart, !warmup));
            }
            long measureStart = start;
            if (warmup) {
                monitor.awaitEnd(start + config.warmup().toNanos());
                measureStart = System.nanoTime();
                onAll(LoadConnection::markMeasurement);
            }
            monitor.awaitEnd(measureStart + config.duration().toNanos());
            long stop = System.nanoTime();
            onAll(LoadConnection::stopSending);
            boolean stoppedByError = config.stopOnFirstError() && monitor.firstError().isPresent();
            if (!stoppedByError) {
                monitor.awaitEnd(System.nanoTime() + config.drainTimeout().toNanos());
            }
            String why = stoppedByError ? "run stopped at the first error" : "time limit reached";
            onAll(c -> c.closeAtEnd(why));
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TASK_WAIT_MILLIS);
            for (Channel ch : channels) {
                ch.closeFuture().await(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
            return new Timing(measureStart, stop);
        } finally {
            progress.shutdownNow();
        }
    }

    private void connectAll() throws InterruptedException {
        InetSocketAddress target = config.target().toConnectAddress();
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(transport.socketChannelType())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis());
        byte[] dataPool = new byte[DATA_POOL_BYTES + config.dataLength()];
        FooWire.fillHex(dataPool, new SplittableRandom());
        List<ChannelFuture> pending = new ArrayList<>();
        for (int i = 0; i < config.connections(); i++) {
            LoadConnection connection = new LoadConnection(i + 1, config, dataPool, monitor, listener, recorders);
            ChannelFuture connect = bootstrap.clone().handler(connection).connect(target);
            connect.addListener(f -> {
                if (!f.isSuccess()) {
                    connection.connectFailed(f.cause());
                }
            });
            connections.add(connection);
            channels.add(connect.channel());
            pending.add(connect);
        }
        long deadline = System.nanoTime() + config.connectTimeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
        for (ChannelFuture f : pending) {
            f.await(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        long failed = pending.stream().filter(f -> !f.isSuccess()).count();
        if (failed > 0) {
            log.warn("{} of {} connections to {} failed: {}", failed, pending.size(), config.target(),
                    monitor.firstError().orElse("connect timed out"));
        }
    }

    private ScheduledExecutorService startProgress(long start) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "foo-load-progress");
            t.setDaemon(true);
            return t;
        });
        long[] last = {start, 0};
        timer.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            long sent = 0;
            long answers = 0;
            long errors = 0;
            for (LoadConnection c : connections) {
                sent += c.requestsSent.get();
                answers += c.answers.get();
                errors += c.errors.get();
            }
            double rate = (answers - last[1]) * 1e9 / Math.max(1, now - last[0]);
            last[0] = now;
            last[1] = answers;
            listener.onProgress(new LoadProgress((now - start) / 1e9, sent, answers, errors, rate));
        }, 1, 1, TimeUnit.SECONDS);
        return timer;
    }

    private void onEach(int index, Consumer<LoadConnection> action) {
        LoadConnection c = connections.get(index);
        channels.get(index).eventLoop().execute(() -> action.accept(c));
    }

    /** Runs {@code action} for every connection on its event loop and waits until all have run. */
    private void onAll(Consumer<LoadConnection> action) throws InterruptedException {
        List<Future<?>> done = new ArrayList<>(connections.size());
        for (int i = 0; i < connections.size(); i++) {
            LoadConnection c = connections.get(i);
            done.add(channels.get(i).eventLoop().submit(() -> action.accept(c)));
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TASK_WAIT_MILLIS);
        for (Future<?> f : done) {
            f.await(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
    }

    private LoadResult result(Timing timing) {
        long sent = 0;
        long answers = 0;
        long acks = 0;
        long naks = 0;
        long errors = 0;
        long measured = 0;
        for (LoadConnection c : connections) {
            sent += c.requestsSent.get();
            answers += c.answers.get();
            acks += c.acks.get();
            naks += c.naks.get();
            errors += c.errors.get();
            measured += c.measuredAnswers();
        }
        double seconds = Math.max(0, timing.stop() - timing.measureStart()) / 1e9;
        Histogram h = recorders.merged();
        LoadResult.Latency latency = h.getTotalCount() == 0
                ? new LoadResult.Latency(0, 0, 0, 0, 0)
                : new LoadResult.Latency(micros(h.getValueAtPercentile(50)), micros(h.getValueAtPercentile(90)),
                        micros(h.getValueAtPercentile(99)), micros(h.getValueAtPercentile(99.9)),
                        micros(h.getMaxValue()));
        return new LoadResult(sent, answers, acks, naks, errors, seconds, seconds > 0 ? measured / seconds : 0,
                latency, monitor.firstError());
    }

    private static double micros(long nanos) {
        return nanos / 1000.0;
    }
}
