package io.fooproxy.backend.grpc;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Registers channels and servers and shuts them all down after each test (JUnit 5 extension). */
public final class GrpcCleanup implements AfterEachCallback {
    private final Deque<Object> resources = new ArrayDeque<>();

    public synchronized <T extends ManagedChannel> T register(T channel) {
        resources.push(channel);
        return channel;
    }

    public synchronized <T extends Server> T register(T server) {
        resources.push(server);
        return server;
    }

    public synchronized void onCleanup(Runnable closer) {
        resources.push(closer);
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) throws InterruptedException {
        while (!resources.isEmpty()) {
            Object r = resources.pop();
            if (r instanceof ManagedChannel channel) {
                channel.shutdownNow();
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } else if (r instanceof Server server) {
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            } else {
                ((Runnable) r).run();
            }
        }
    }
}
