package io.fooproxy.frontend.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fooproxy.frontend.sniff.MessageType;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The publisher on the link's event loop, against a real gRPC server on a loopback port. */
class BackendLinkTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final RecordingTelemetryService backend = new RecordingTelemetryService();
    private Server server;
    /** Closed after each test whatever it asserted (closing twice is harmless). */
    private BackendLink link;
    private TelemetryPublisher pub;

    @BeforeEach
    void startServer() throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(backend)
                .build()
                .start();
    }

    @AfterEach
    void closeAll() throws Exception {
        if (pub != null) {
            pub.close(Duration.ofSeconds(1));
        }
        if (link != null) {
            link.close();
        }
        stopServer();
    }

    private void stopServer() throws Exception {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }

    private void connect(TelemetryAggregator agg, Clock clock) {
        link = BackendLink.to("127.0.0.1", server.getPort());
        TelemetrySettings settings = TelemetrySettings.defaults("fe-link")
                .withFlushInterval(Duration.ofMillis(10))
                .withBackoff(Duration.ofMillis(10), Duration.ofMillis(100));
        pub = new TelemetryPublisher(settings, agg, link.channel(), clock, link.executor());
    }

    @Test
    void batchesAreAcknowledgedAndCloseLeavesNothingRunning() {
        Clock clock = Clock.systemUTC();
        TelemetryAggregator agg = new TelemetryAggregator(clock);
        connect(agg, clock);
        pub.start();
        for (int i = 0; i < 500; i++) {
            agg.onMessage(MessageType.REQ);
            agg.onMessage(MessageType.ACK);
        }

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(backend.uniqueMessageTotals()).containsExactly(500, 500, 0);
            assertThat(pub.status().unackedBatches()).isZero();
        });
        for (int i = 0; i < 7; i++) {
            agg.onMessage(MessageType.NAK);
        }
        // the final flush runs on the event loop while this thread waits for its acks
        assertThat(pub.close(Duration.ofSeconds(5))).isTrue();
        assertThat(backend.uniqueMessageTotals()).containsExactly(500, 500, 7);

        link.close();
        assertThat(link.channel().isTerminated()).isTrue();
        assertThat(link.executor().isTerminated()).isTrue();
    }

    @Test
    void theStreamComesBackWhenTheBackendReturnsOnTheSamePort() throws Exception {
        Clock clock = Clock.systemUTC();
        TelemetryAggregator agg = new TelemetryAggregator(clock);
        int port = server.getPort();
        connect(agg, clock);
        pub.start();
        agg.onMessage(MessageType.REQ);
        await().atMost(WAIT).until(() -> backend.uniqueRequests() == 1);

        stopServer();
        agg.onMessage(MessageType.REQ);
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .addService(backend)
                .build()
                .start();

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(backend.uniqueRequests()).isEqualTo(2);
            assertThat(pub.status().unackedBatches()).isZero();
        });
    }
}
