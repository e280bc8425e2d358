package io.fooproxy.backend.grpc;

import static java.util.Objects.requireNonNull;

import io.fooproxy.backend.ListenerHealth;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend's gRPC server: the given API services plus {@code grpc.health.v1} and server
 * reflection (v1 and v1alpha, so that any grpcurl lists the services without .proto files).
 * Takes a {@link ServerBuilder} so tests can hand it an in-process one.
 */
public final class BackendGrpcServer {
    private static final Logger log = LoggerFactory.getLogger(BackendGrpcServer.class);

    private final Server server;
    private final ListenerHealth listener;
    private boolean started; // guarded by this

    public BackendGrpcServer(ServerBuilder<?> builder, List<? extends BindableService> services,
            HealthStatusManager health, ListenerHealth listener) {
        requireNonNull(builder, "builder");
        requireNonNull(services, "services");
        requireNonNull(health, "health");
        this.listener = requireNonNull(listener, "listener");
        for (BindableService service : services) {
            builder.addService(requireNonNull(service, "service"));
        }
        builder.addService(health.getHealthService());
        builder.addService(ProtoReflectionServiceV1.newInstance());
        builder.addService(reflectionV1Alpha());
        this.server = builder.build();
    }

    /** Binds and starts; a port in use is an {@link IOException} caused by a BindException. */
    public synchronized void start() throws IOException {
        if (started) {
            throw new IllegalStateException("already started");
        }
        server.start();
        started = true;
        listener.started(describe(server.getListenSockets()));
    }

    /** The bound port (the real one when started on port 0); -1 for in-process servers. */
    public int port() {
        return server.getPort();
    }

    /**
     * Stops accepting calls, gives the running ones {@code grace} to finish, then cancels what
     * is left. Idempotent; returns whether the server terminated.
     */
    public synchronized boolean shutdown(Duration grace) {
        requireNonNull(grace, "grace");
        listener.stopped("stopped");
        server.shutdown();
        try {
            if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                log.info("gRPC calls still open after {} ms, cancelling them", grace.toMillis());
                server.shutdownNow();
                return server.awaitTermination(2, TimeUnit.SECONDS);
            }
            return true;
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @SuppressWarnings("deprecation") // v1alpha is deprecated but older grpcurl and tools still ask for it
    private static BindableService reflectionV1Alpha() {
        return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
    }

    private static String describe(List<? extends SocketAddress> addresses) {
        if (addresses.isEmpty()) {
            return "(no socket)";
        }
        SocketAddress first = addresses.get(0);
        if (first instanceof InetSocketAddress inet) {
            return io.fooproxy.backend.config.ListenAddress.format(inet);
        }
        return first.toString();
    }
}
