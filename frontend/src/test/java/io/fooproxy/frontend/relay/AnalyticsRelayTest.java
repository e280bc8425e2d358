package io.fooproxy.frontend.relay;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fooproxy.frontend.analytics.AnalyticsClock;
import io.fooproxy.frontend.analytics.AnalyticsRecorder;
import io.fooproxy.frontend.analytics.PendingAnalytics;
import io.fooproxy.frontend.config.AnalyticsSettings;
import io.fooproxy.frontend.config.Endpoint;
import io.fooproxy.frontend.config.FrontendConfig;
import io.fooproxy.frontend.config.LiveSettings;
import io.fooproxy.frontend.stats.LimitCounters;
import io.fooproxy.frontend.stats.LocalCounters;
import io.fooproxy.proto.telemetry.v1.Analytics;
import io.fooproxy.proto.telemetry.v1.ClientUsage;
import io.fooproxy.proto.telemetry.v1.ProtocolCounters;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Protocol analytics wired into the real relay, on loopback, with a misbehaving upstream. */
@Timeout(60)
class AnalyticsRelayTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final LocalCounters counters = new LocalCounters(Clock.systemUTC());
    private final AnalyticsRecorder recorder = new AnalyticsRecorder(AnalyticsSettings.defaults(),
            AnalyticsClock.SYSTEM);
    private final PendingAnalytics pending = new PendingAnalytics(4096);
    private final List<Analytics> drained = new ArrayList<>();
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private FrontendServer server;

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.stop(Duration.ZERO);
        }
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    private InetSocketAddress start(TestUpstream upstream) throws Exception {
        cleanup.add(upstream);
        FrontendConfig config = new FrontendConfig(Endpoint.parse("127.0.0.1:0"),
                Endpoint.parse("127.0.0.1:" + upstream.port()), Endpoint.parse("127.0.0.1:9"), "fe-test",
                Duration.ofMillis(50), "INFO", Optional.empty());
        server = new FrontendServer(config, LiveSettings.of(config), Transport.preferred(), counters,
                new LimitCounters(), recorder);
        return server.start();
    }

    /** Drains like the publisher does, keeping every non-empty drain. */
    private List<Analytics> drain() {
        recorder.drainInto(pending);
        if (!pending.isEmpty()) {
            drained.add(pending.take());
        }
        return drained;
    }

    private static long sum(List<Analytics> all, java.util.function.ToLongFunction<ProtocolCounters> f) {
        return all.stream().mapToLong(a -> f.applyAsLong(a.getProtocol())).sum();
    }

    @Test
    void violationsFromBothSidesAreCountedOnceAndLatencyMatched() throws Exception {
        InetSocketAddress frontend = start(new TestUpstream(0, socket -> {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), US_ASCII));
            for (int i = 0; i < 5; i++) {
                in.readLine();
            }
            OutputStream out = socket.getOutputStream();
            out.write("ACK 2\nACK 1\nACK 1\nACK 77\nREQ 5\nNAK 3\n".getBytes(US_ASCII));
            out.flush();
            while (in.readLine() != null) {
                // until the client leaves
            }
        }));
        String sent = "REQ 1\nREQ 2\nREQ 3\nACK 9\nREQ 5\n";
        int received = 0;
        try (Socket client = new Socket(frontend.getAddress(), frontend.getPort())) {
            client.getOutputStream().write(sent.getBytes(US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), US_ASCII));
            for (int i = 0; i < 6; i++) {
                received += in.readLine().length() + 1;
            }
        }
        await().atMost(WAIT).until(() -> drain().stream()
                .anyMatch(a -> !a.getConnectionDurationMillis().isEmpty()));

        assertThat(sum(drained, ProtocolCounters::getMatchedAnswers)).isEqualTo(3);
        assertThat(sum(drained, ProtocolCounters::getOutOfOrderAnswers)).isEqualTo(1);
        assertThat(sum(drained, ProtocolCounters::getDuplicateAnswers)).isEqualTo(1);
        assertThat(sum(drained, ProtocolCounters::getUnknownSeqAnswers)).isEqualTo(1);
        assertThat(sum(drained, ProtocolCounters::getRequestsFromServer)).isEqualTo(1);
        assertThat(sum(drained, ProtocolCounters::getAnswersFromClient)).isEqualTo(1);
        assertThat(sum(drained, ProtocolCounters::getNonSequentialRequests)).isEqualTo(1);
        assertThat(sum(drained, ProtocolCounters::getUnansweredRequests)).isEqualTo(1);
        assertThat(sum(drained, ProtocolCounters::getOutstandingOverflow)
                + sum(drained, ProtocolCounters::getUntrackedAnswers)).isZero();
        long latencySamples = drained.stream().flatMap(a -> a.getLatencyList().stream())
                .mapToLong(s -> histogramCount(s.getHistogram())).sum();
        assertThat(latencySamples).isEqualTo(3);
        long messages = 0;
        long bytes = 0;
        for (Analytics a : drained) {
            for (ClientUsage u : a.getClientsList()) {
                assertThat(u.getAddress()).isEqualTo("127.0.0.1");
                messages += u.getMessages();
                bytes += u.getBytes();
            }
        }
        assertThat(messages).isEqualTo(4 + 5); // REQ 1 2 3 5; ACK 2 1 1 77, NAK 3 (not the wrong-way lines)
        assertThat(bytes).isEqualTo(sent.length() + received);
        // the stats contract is unchanged: the wrong-way lines are invalid lines
        assertThat(counters.toStats().getMsgInvalid()).isEqualTo(2);
    }

    @Test
    void requestsWaitingForTheUpstreamShowInTheInFlightGauge() throws Exception {
        InetSocketAddress frontend = start(new TestUpstream(0, socket -> {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), US_ASCII));
            while (in.readLine() != null) {
                // never answers
            }
        }));
        try (Socket client = new Socket(frontend.getAddress(), frontend.getPort())) {
            client.getOutputStream().write("REQ 1\nREQ 2\n".getBytes(US_ASCII));
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(recorder.inFlight().requests()).isEqualTo(2);
                assertThat(recorder.inFlight().oldestAgeMillis()).isPositive();
            });
        }
        await().atMost(WAIT).until(() -> recorder.inFlight().requests() == 0);
        await().atMost(WAIT).until(() -> sum(drain(), ProtocolCounters::getUnansweredRequests) == 2);
    }

    private static long histogramCount(com.google.protobuf.ByteString bytes) {
        try {
            return org.HdrHistogram.Histogram.decodeFromCompressedByteBuffer(
                    java.nio.ByteBuffer.wrap(bytes.toByteArray()), 0).getTotalCount();
        } catch (java.util.zip.DataFormatException e) {
            throw new AssertionError(e);
        }
    }
}
