package io.fooproxy.frontend.telemetry;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An in-process server name, its server (which a test may stop and start again on the same
 * name) and a channel to it; everything, plus what the test registered, closed after each test.
 */
final class InProcessGrpc implements AfterEachCallback {
    private final String name = InProcessServerBuilder.generateName();
    private final Deque<AutoCloseable> closeFirst = new ArrayDeque<>();
    private Server server;
    private ManagedChannel channel;
    private ScheduledExecutorService executor;

    String name() {
        return name;
    }

    synchronized void startServer(BindableService... services) {
        if (server != null) {
            throw new IllegalStateException("server already running");
        }
        InProcessServerBuilder builder = InProcessServerBuilder.forName(name);
        for (BindableService s : services) {
            builder.addService(s);
        }
        try {
            server = builder.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized void stopServer() throws InterruptedException {
        if (server != null) {
            server.shutdownNow();
            server.awaitTermination(5, TimeUnit.SECONDS);
            server = null;
        }
    }

    synchronized ManagedChannel channel() {
        if (channel == null) {
            channel = InProcessChannelBuilder.forName(name).build();
        }
        return channel;
    }

    /** A single thread for a publisher to run on, as the backend link's event loop is in the frontend. */
    synchronized ScheduledExecutorService executor() {
        if (executor == null) {
            executor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "telemetry-test");
                t.setDaemon(true);
                return t;
            });
        }
        return executor;
    }

    /** Closed (last registered first) before the executor, the channel and the server. */
    synchronized <T extends AutoCloseable> T register(T closeable) {
        closeFirst.push(closeable);
        return closeable;
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) throws Exception {
        while (!closeFirst.isEmpty()) {
            closeFirst.pop().close();
        }
        if (executor != null) {
            executor.shutdownNow();
            executor.awaitTermination(5, TimeUnit.SECONDS);
            executor = null;
        }
        if (channel != null) {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
            channel = null;
        }
        stopServer();
    }
}
