package io.fooproxy.backend.http;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpServer;
import io.fooproxy.backend.BackendHealth;
import io.fooproxy.backend.ListenerHealth;
import io.fooproxy.backend.config.ListenAddress;
import io.fooproxy.backend.metrics.PrometheusMetrics;
import io.fooproxy.backend.stats.StatsView;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP reporting surface ({@code / /stats /metrics /health /status}) on the JDK's HTTP
 * server, with a small fixed pool so that scrapes can never take more than a few threads.
 */
public final class HttpReportingServer {
    private static final Logger log = LoggerFactory.getLogger(HttpReportingServer.class);

    static final int THREADS = 4;
    // beyond this many waiting exchanges the accepting thread runs them itself, which slows accepting
    static final int QUEUE = 64;

    private final InetSocketAddress address;
    private final ReportingHandler handler;
    private final ListenerHealth listener;
    private HttpServer server; // guarded by this
    private ThreadPoolExecutor executor; // guarded by this

    public HttpReportingServer(InetSocketAddress address, StatsView stats, BackendHealth health,
            PrometheusMetrics metrics, StatusInfo info, ListenerHealth listener) {
        this.address = requireNonNull(address, "address");
        this.handler = new ReportingHandler(stats, health, metrics, info);
        this.listener = requireNonNull(listener, "listener");
    }

    /** Binds and starts serving; a port in use is a {@link java.net.BindException}. */
    public synchronized void start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        HttpServer http = HttpServer.create(address, 64);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE), threads(), new ThreadPoolExecutor.CallerRunsPolicy());
        pool.allowCoreThreadTimeOut(true);
        http.setExecutor(pool);
        http.createContext("/", handler);
        http.start();
        server = http;
        executor = pool;
        listener.started(ListenAddress.format(http.getAddress()));
    }

    /** The bound address (with the real port when started on port 0). */
    public synchronized InetSocketAddress address() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return server.getAddress();
    }

    /** Stops accepting and closes the connections; idempotent. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        listener.stopped("stopped");
        // responses are small, so there is nothing worth waiting for (and on JDK 17 any delay is waited in full)
        server.stop(0);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        server = null;
        executor = null;
        log.debug("HTTP server stopped");
    }

    private static ThreadFactory threads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
