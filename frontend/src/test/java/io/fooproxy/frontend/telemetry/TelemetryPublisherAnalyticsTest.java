package io.fooproxy.frontend.telemetry;

import static io.fooproxy.frontend.sniff.MessageType.ACK;
import static io.fooproxy.frontend.sniff.MessageType.REQ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fooproxy.frontend.analytics.AnalyticsClock;
import io.fooproxy.frontend.analytics.AnalyticsRecorder;
import io.fooproxy.frontend.analytics.ConnectionAnalytics;
import io.fooproxy.frontend.config.AnalyticsSettings;
import io.fooproxy.frontend.sniff.Direction;
import io.fooproxy.proto.telemetry.v1.Analytics;
import io.fooproxy.proto.telemetry.v1.LatencySlice;
import io.fooproxy.proto.telemetry.v1.TelemetryBatch;
import io.grpc.Status;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Analytics riding in telemetry batches: exactly once, resent unchanged, gauges in the state. */
class TelemetryPublisherAnalyticsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    final InProcessGrpc grpc = new InProcessGrpc();

    private final RecordingTelemetryService backend = new RecordingTelemetryService();
    private final AnalyticsRecorder analytics = new AnalyticsRecorder(AnalyticsSettings.defaults(),
            AnalyticsClock.SYSTEM);

    private TelemetryPublisher publisher() {
        TelemetrySettings settings = TelemetrySettings.defaults("fe-test")
                .withFlushInterval(Duration.ofMillis(10))
                .withHeartbeatInterval(Duration.ofMillis(200))
                .withBackoff(Duration.ofMillis(10), Duration.ofMillis(100));
        Clock clock = Clock.systemUTC();
        return grpc.register(new TelemetryPublisher(settings, new TelemetryAggregator(clock), analytics,
                grpc.channel(), clock, grpc.executor()));
    }

    private static long matched(Collection<TelemetryBatch> batches) {
        return batches.stream().mapToLong(b -> b.getAnalytics().getProtocol().getMatchedAnswers()).sum();
    }

    private static long latencySamples(Collection<TelemetryBatch> batches) throws Exception {
        long n = 0;
        for (TelemetryBatch b : batches) {
            for (LatencySlice s : b.getAnalytics().getLatencyList()) {
                n += Histogram.decodeFromCompressedByteBuffer(
                        ByteBuffer.wrap(s.getHistogram().toByteArray()), 0).getTotalCount();
            }
        }
        return n;
    }

    @Test
    void analyticsSurviveAResendIdenticallyAndAreCountedOnce() throws Exception {
        grpc.startServer(backend);
        backend.acking = false;
        TelemetryPublisher pub = publisher();
        pub.start();
        ConnectionAnalytics c = analytics.open(InetAddress.getLoopbackAddress());
        long seq = 0;
        for (int round = 0; round < 4; round++) {
            int before = backend.received().size();
            for (int i = 0; i < 25; i++) {
                c.onMessage(REQ, ++seq);
                c.onScanned(Direction.CLIENT_TO_SERVER, 6);
                c.onMessage(ACK, seq);
                c.onScanned(Direction.SERVER_TO_CLIENT, 6);
            }
            await().atMost(WAIT).until(() -> backend.received().size() > before);
        }
        backend.acking = true;
        backend.failOpenStreams(Status.UNAVAILABLE.withDescription("backend restarting"));
        await().atMost(WAIT).until(() -> backend.streamsOpened.get() >= 2);
        await().atMost(WAIT).untilAsserted(() -> {
            // unique() asserts that every resent batch equals the original, analytics included
            assertThat(matched(backend.unique().values())).isEqualTo(100);
            assertThat(pub.status().unackedBatches()).isZero();
        });
        assertThat(pub.status().batchesResent()).isPositive();
        assertThat(latencySamples(backend.unique().values())).isEqualTo(100);
        assertThat(matched(backend.received())).isGreaterThan(100); // resent batches carried it twice
        long messages = backend.unique().values().stream()
                .flatMap(b -> b.getAnalytics().getClientsList().stream())
                .mapToLong(u -> u.getMessages()).sum();
        assertThat(messages).isEqualTo(200);
    }

    @Test
    void batchesCarryTheInFlightGauges() {
        grpc.startServer(backend);
        TelemetryPublisher pub = publisher();
        ConnectionAnalytics c = analytics.open(InetAddress.getLoopbackAddress());
        c.onMessage(REQ, 1);
        c.onMessage(REQ, 2);
        c.onScanned(Direction.CLIENT_TO_SERVER, 12);
        analytics.sampleInFlight(); // the relay does this on each event loop every second
        pub.start();
        await().atMost(WAIT).until(() -> backend.received().stream()
                .anyMatch(b -> b.getState().getInFlightRequests() == 2));
        c.closed();
        analytics.sampleInFlight();
        await().atMost(WAIT).untilAsserted(() -> {
            Analytics closedIn = backend.received().stream().map(TelemetryBatch::getAnalytics)
                    .filter(a -> a.getProtocol().getUnansweredRequests() > 0).findFirst().orElseThrow();
            assertThat(closedIn.getProtocol().getUnansweredRequests()).isEqualTo(2);
            TelemetryBatch last = backend.received().get(backend.received().size() - 1);
            assertThat(last.getState().getInFlightRequests()).isZero();
            assertThat(last.getState().getOldestInFlightAgeMillis()).isZero();
        });
    }
}
