package io.fooproxy.frontend.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fooproxy.frontend.sniff.Direction;
import io.fooproxy.frontend.sniff.MessageType;
import io.fooproxy.proto.telemetry.v1.MessageBucket;
import io.fooproxy.proto.telemetry.v1.TelemetryBatch;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TelemetryPublisherTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    final InProcessGrpc grpc = new InProcessGrpc();

    private final RecordingTelemetryService backend = new RecordingTelemetryService();

    private static TelemetrySettings fast() {
        return TelemetrySettings.defaults("fe-test")
                .withFlushInterval(Duration.ofMillis(10))
                .withHeartbeatInterval(Duration.ofMillis(200))
                .withBackoff(Duration.ofMillis(10), Duration.ofMillis(100));
    }

    private TelemetryPublisher publisher(TelemetrySettings settings, TelemetryAggregator agg,
            Clock clock) {
        return grpc.register(new TelemetryPublisher(settings, agg, grpc.channel(), clock, grpc.executor()));
    }

    @Test
    void batchesArriveInSequenceWithExactTotalsAndAcksReleaseThem() {
        grpc.startServer(backend);
        Clock clock = Clock.systemUTC();
        TelemetryAggregator agg = new TelemetryAggregator(clock);
        TelemetryPublisher pub = publisher(fast(), agg, clock);
        pub.start();

        for (int i = 0; i < 3000; i++) {
            agg.onMessage(MessageType.REQ);
            agg.onMessage(i % 3 == 0 ? MessageType.NAK : MessageType.ACK);
        }
        agg.onInvalidLine(Direction.CLIENT_TO_SERVER);
        agg.onBytes(Direction.SERVER_TO_CLIENT, 1234);
        agg.onConnectionOpened();

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(backend.uniqueMessageTotals()).containsExactly(3000, 2000, 1000);
            assertThat(pub.status().unackedBatches()).isZero();
        });

        List<TelemetryBatch> received = backend.received();
        assertThat(received).extracting(TelemetryBatch::getSequence)
                .isEqualTo(sequence(1, received.size()));
        long watermark = Long.MIN_VALUE;
        long invalid = 0;
        long bytes = 0;
        for (TelemetryBatch b : received) {
            assertThat(b.getFrontendId()).isEqualTo("fe-test");
            assertThat(b.getIncarnation()).isEqualTo(pub.incarnation());
            assertThat(b.getWatermarkUnixMillis()).isGreaterThanOrEqualTo(watermark);
            watermark = b.getWatermarkUnixMillis();
            for (MessageBucket m : b.getBucketsList()) {
                assertThat(m.getStartUnixMillis()).isLessThan(b.getWatermarkUnixMillis());
            }
            invalid += b.getCounters().getInvalidLines();
            bytes += b.getCounters().getBytesServerToClient();
        }
        assertThat(invalid).isEqualTo(1);
        assertThat(bytes).isEqualTo(1234);
        assertThat(received.get(received.size() - 1).getState().getActiveConnections())
                .isEqualTo(1);

        PublisherStatus status = pub.status();
        assertThat(status.connectionState()).isEqualTo(BackendConnectionState.CONNECTED);
        assertThat(status.batchesAcked()).isEqualTo(status.batchesSent());
        assertThat(status.batchesResent()).isZero();
        assertThat(status.bufferedBuckets()).isZero();
        assertThat(status.oldestUnackedAgeMillis()).isZero();
        assertThat(status.ackedThroughSequence()).isEqualTo(status.lastSequence());
    }

    @Test
    void idlePublisherStillSendsHeartbeatsThatAdvanceTheWatermark() {
        grpc.startServer(backend);
        MutableClock clock = new MutableClock(T0);
        TelemetryAggregator agg = new TelemetryAggregator(clock);
        TelemetryPublisher pub = publisher(fast(), agg, clock);
        pub.start();

        await().atMost(WAIT).until(() -> backend.received().size() >= 1);
        clock.advance(500);
        await().atMost(WAIT).untilAsserted(() -> assertThat(backend.received())
                .anySatisfy(b -> assertThat(b.getWatermarkUnixMillis()).isEqualTo(T0 + 500)));
        for (TelemetryBatch b : backend.received()) {
            assertThat(b.getBucketsCount()).isZero();
            assertThat(b.getState().getStartedUnixMillis()).isEqualTo(T0);
        }
        // Heartbeats are spaced by the heartbeat interval, not the 10 ms flush interval.
        assertThat(pub.status().lastSequence()).isLessThan(20);
    }

    @Test
    void streamErrorReconnectsAndResendsTheUnackedBatchesUnchanged() {
        grpc.startServer(backend);
        backend.acking = false;
        Clock clock = Clock.systemUTC();
        TelemetryAggregator agg = new TelemetryAggregator(clock);
        TelemetryPublisher pub = publisher(fast(), agg, clock);
        pub.start();

        long sent = 0;
        for (int round = 0; round < 4; round++) {
            int before = backend.received().size();
            for (int i = 0; i < 10; i++) {
                agg.onMessage(MessageType.REQ);
            }
            sent += 10;
            await().atMost(WAIT).until(() -> backend.received().size() > before);
        }
        RecordingTelemetryService.Stream first = backend.streams.get(0);
        first.ack(1);
        await().atMost(WAIT).until(() -> pub.status().ackedThroughSequence() == 1);

        backend.acking = true;
        backend.failOpenStreams(Status.UNAVAILABLE.withDescription("backend restarting"));

        await().atMost(WAIT).until(() -> backend.streamsOpened.get() >= 2);
        final long total = sent;
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(backend.uniqueRequests()).isEqualTo(total);
            assertThat(pub.status().unackedBatches()).isZero();
        });

        List<Long> onFirst = first.batches.stream().map(TelemetryBatch::getSequence).toList();
        List<Long> onSecond = backend.streams.get(1).batches.stream()
                .map(TelemetryBatch::getSequence).toList();
        // Batch 1 was acknowledged: not resent. Every other batch of the first stream comes
        // again first, in order, with its number (unique() checks the content is identical).
        assertThat(onSecond).startsWith(onFirst.subList(1, onFirst.size()).toArray(Long[]::new));
        TreeMap<Long, TelemetryBatch> unique = backend.unique();
        assertThat(unique.keySet()).containsExactlyElementsOf(sequence(1, unique.size()));
        assertThat(pub.status().batchesResent()).isGreaterThanOrEqualTo(onFirst.size() - 1L);
        // Without de-duplication the backend would have counted the resent ones twice.
        long raw = backend.received().stream()
                .mapToLong(b -> b.getBucketsList().stream().mapToLong(MessageBucket::getRequests)
                        .sum() + b.getCounters().getRequests())
                .sum();
        assertThat(raw).isGreaterThan(total);
    }

    @Test
    void nothingIsLostWhileTheBackendIsDownAndOldBucketsAreMergedIntoTotals()
            throws Exception {
        grpc.startServer(backend);
        MutableClock clock = new MutableClock(T0);
        TelemetryAggregator agg = new TelemetryAggregator(clock);
        TelemetryPublisher pub = publisher(fast(), agg, clock);
        pub.start();
        await().atMost(WAIT).until(() ->
                pub.status().connectionState() == BackendConnectionState.CONNECTED);

        grpc.stopServer();
        await().atMost(WAIT).until(() ->
                pub.status().connectionState() != BackendConnectionState.CONNECTED);

        // 100 ms of traffic, one REQ per ms, during the outage ...
        writeOnePerMillisecond(agg, clock, T0 + 1000, 100, MessageType.REQ);
        awaitDrained(pub, clock.advance(1));
        assertThat(pub.status().bufferedBuckets()).isEqualTo(100);
        // ... 11 s later, 50 ms more: the first 100 buckets have left every window.
        writeOnePerMillisecond(agg, clock, T0 + 12_000, 50, MessageType.ACK);
        awaitDrained(pub, clock.advance(1));
        await().atMost(WAIT).until(() -> pub.status().bufferedBuckets() == 50);
        assertThat(pub.status().connectionState()).isNotEqualTo(BackendConnectionState.CONNECTED);

        grpc.startServer(backend);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(backend.uniqueMessageTotals()).containsExactly(100, 50, 0);
            assertThat(pub.status().unackedBatches()).isZero();
        });
        long bucketRequests = 0;
        long counterRequests = 0;
        long bucketAcks = 0;
        for (TelemetryBatch b : backend.unique().values()) {
            for (MessageBucket m : b.getBucketsList()) {
                assertThat(m.getStartUnixMillis()).isGreaterThanOrEqualTo(T0 + 12_000);
                bucketRequests += m.getRequests();
                bucketAcks += m.getAcks();
            }
            counterRequests += b.getCounters().getRequests();
        }
        assertThat(bucketRequests).isZero();
        assertThat(counterRequests).isEqualTo(100);
        assertThat(bucketAcks).isEqualTo(50);
        assertThat(pub.status().connectionState()).isEqualTo(BackendConnectionState.CONNECTED);
    }

    @Test
    void pendingBucketsStayBoundedDuringAnOutage() {
        // No server at all on this name.
        MutableClock clock = new MutableClock(T0);
        TelemetryAggregator agg = new TelemetryAggregator(clock);
        TelemetryPublisher pub = publisher(fast().withMaxBufferedBuckets(500), agg, clock);
        pub.start();

        long start = T0 + 10;
        for (int round = 0; round < 5; round++) {
            writeOnePerMillisecond(agg, clock, start + round * 400L, 400, MessageType.NAK);
            awaitDrained(pub, clock.advance(1));
            assertThat(pub.status().bufferedBuckets()).isLessThanOrEqualTo(500);
        }
        assertThat(pub.status().bufferedBuckets()).isEqualTo(500);
        assertThat(pub.status().lastSequence()).isZero();
        assertThat(pub.status().lastError()).contains("UNAVAILABLE");

        grpc.startServer(backend);
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(backend.uniqueMessageTotals()).containsExactly(0, 0, 2000));
        long buckets = backend.unique().values().stream()
                .mapToLong(TelemetryBatch::getBucketsCount).sum();
        assertThat(buckets).isEqualTo(500);
    }

    @Test
    void backendThatNeverAcksCapsBatchesInFlightWhileCountingGoesOn() {
        grpc.startServer(backend);
        backend.acking = false;
        MutableClock clock = new MutableClock(T0);
        TelemetryAggregator agg = new TelemetryAggregator(clock);
        TelemetryPublisher pub = publisher(fast().withMaxInFlightBatches(4), agg, clock);
        pub.start();

        long ms = T0 + 1;
        int written = 0;
        for (int round = 0; round < 12; round++) {
            writeOnePerMillisecond(agg, clock, ms, 5, MessageType.REQ);
            written += 5;
            ms += 5;
            awaitDrained(pub, clock.advance(1));
            ms++;
        }
        await().atMost(WAIT).until(() -> backend.received().size() >= 4);
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() ->
                backend.received().size() == 4 && pub.status().unackedBatches() == 4);
        assertThat(pub.status().bufferedBuckets()).isEqualTo(written);
        assertThat(pub.status().oldestUnackedAgeMillis()).isPositive();

        backend.acking = true;
        backend.ackOpenStreams();
        final int total = written;
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(backend.uniqueRequests()).isEqualTo(total);
            assertThat(pub.status().unackedBatches()).isZero();
        });
        assertThat(backend.streamsOpened.get()).isEqualTo(1);
    }

    @Test
    void bufferedBucketsStayWithinTheCapCountingThoseInUnackedBatches() {
        grpc.startServer(backend);
        backend.acking = false;
        MutableClock clock = new MutableClock(T0);
        TelemetryAggregator agg = new TelemetryAggregator(clock);
        TelemetryPublisher pub = publisher(fast().withMaxBufferedBuckets(100), agg, clock);
        pub.start();

        long ms = T0 + 1;
        for (int round = 0; round < 5; round++) {
            writeOnePerMillisecond(agg, clock, ms, 30, MessageType.REQ);
            ms += 31;
            awaitDrained(pub, clock.advance(1));
            // in flight and never acknowledged, yet they count toward the cap
            assertThat(pub.status().bufferedBuckets()).isLessThanOrEqualTo(100);
            assertThat(pub.status().maxBufferedBuckets()).isEqualTo(100);
        }
        await().atMost(WAIT).until(() -> pub.status().unackedBatches() >= 4);
        assertThat(pub.status().bufferedBuckets()).isEqualTo(100);

        backend.acking = true;
        backend.ackOpenStreams();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(backend.uniqueRequests()).isEqualTo(150);
            assertThat(pub.status().unackedBatches()).isZero();
        });
        long buckets = backend.unique().values().stream()
                .mapToLong(TelemetryBatch::getBucketsCount).sum();
        assertThat(buckets).isEqualTo(100);
        assertThat(pub.status().bufferedBuckets()).isZero();
    }

    @Test
    void oldestUnackedAgeCountsDataHeldWhileTheBackendIsDown() throws Exception {
        grpc.startServer(backend);
        MutableClock clock = new MutableClock(T0);
        TelemetryAggregator agg = new TelemetryAggregator(clock);
        TelemetryPublisher pub = publisher(fast(), agg, clock);
        pub.start();
        await().atMost(WAIT).until(() -> pub.status().connectionState() == BackendConnectionState.CONNECTED
                && pub.status().lastSequence() >= 1 && pub.status().unackedBatches() == 0);
        grpc.stopServer();
        await().atMost(WAIT).until(() ->
                pub.status().connectionState() != BackendConnectionState.CONNECTED);

        // nothing was ever cut from this data (no stream): it waits in the pending aggregate
        clock.set(T0 + 1000);
        agg.onMessage(MessageType.REQ);
        awaitDrained(pub, clock.advance(1));
        clock.set(T0 + 6000);

        // seen at T0 + 1000 at the latest after the watermark T0: 5 to 6 s old
        assertThat(pub.status().oldestUnackedAgeMillis()).isBetween(5_000L, 6_000L);
        assertThat(pub.status().bufferedBuckets()).isEqualTo(1);

        grpc.startServer(backend);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(backend.uniqueRequests()).isEqualTo(1);
            assertThat(pub.status().oldestUnackedAgeMillis()).isZero();
            assertThat(pub.status().bufferedBuckets()).isZero();
        });
    }

    @Test
    void handsGrpcOnlyWhatTheStreamIsReadyForAndResumesOnReady() {
        grpc.startServer(backend);
        backend.acking = false;
        Clock clock = Clock.systemUTC();
        TelemetryAggregator agg = new TelemetryAggregator(clock);
        TelemetryPublisher pub = publisher(fast(), agg, clock);
        pub.start();
        for (int round = 0; round < 3; round++) {
            int before = backend.received().size();
            agg.onMessage(MessageType.REQ);
            await().atMost(WAIT).until(() -> backend.received().size() > before);
        }

        // The next stream may carry one batch until the backend asks for more.
        backend.initialDemand = 1;
        backend.failOpenStreams(Status.UNAVAILABLE);
        await().atMost(WAIT).until(() -> backend.streamsOpened.get() == 2
                && backend.streams.get(1).batches.size() == 1);
        PublisherStatus held = pub.status();
        assertThat(held.unackedBatches()).isGreaterThanOrEqualTo(3);
        for (int i = 0; i < 10; i++) {
            agg.onMessage(MessageType.REQ);
        }
        // Not ready: nothing more is handed to gRPC and no batch is cut; data waits pending.
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() ->
                pub.status().batchesResent() == 1
                        && pub.status().lastSequence() == held.lastSequence()
                        && backend.streams.get(1).batches.size() == 1);
        assertThat(pub.status().bufferedBuckets()).isGreaterThan(held.bufferedBuckets());

        backend.acking = true;
        backend.streams.get(1).request(1000);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(backend.uniqueRequests()).isEqualTo(13);
            assertThat(pub.status().unackedBatches()).isZero();
        });
        assertThat(pub.status().batchesResent()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void streamWithoutAcksIsReplacedAfterTheAckTimeout() {
        grpc.startServer(backend);
        backend.acking = false;
        Clock clock = Clock.systemUTC();
        TelemetryAggregator agg = new TelemetryAggregator(clock);
        TelemetryPublisher pub = publisher(
                fast().withAckTimeout(Duration.ofMillis(300)), agg, clock);
        pub.start();
        agg.onMessage(MessageType.REQ);

        await().atMost(WAIT).until(() -> backend.streamsOpened.get() >= 2);
        await().atMost(WAIT).until(() -> pub.status().batchesResent() >= 1);
        await().atMost(WAIT).until(() -> backend.streams.get(0).cancelledByClient);
        assertThat(pub.status().lastError()).contains("no acknowledgement");
        backend.acking = true;
        backend.ackOpenStreams();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(backend.uniqueRequests()).isEqualTo(1);
            assertThat(pub.status().unackedBatches()).isZero();
        });
    }

    @Test
    void closeFlushesEverythingAndWaitsForTheFinalAck() {
        grpc.startServer(backend);
        backend.acking = false;
        // A frozen clock: ordinary drains never take the current millisecond, so these
        // messages can only leave through close()'s final flush.
        MutableClock clock = new MutableClock(T0);
        TelemetryAggregator agg = new TelemetryAggregator(clock);
        TelemetryPublisher pub = publisher(fast(), agg, clock);
        pub.start();
        await().atMost(WAIT).until(() -> backend.received().size() >= 1);

        for (int i = 0; i < 500; i++) {
            agg.onMessage(MessageType.REQ);
        }
        // The backend acknowledges only once the final batch has arrived, while close() waits.
        Thread acker = new Thread(() -> {
            await().atMost(WAIT).until(() -> backend.uniqueRequests() == 500);
            backend.acking = true;
            backend.ackOpenStreams();
        });
        acker.start();

        boolean allAcked = pub.close(WAIT);

        assertThat(allAcked).isTrue();
        long finalSequence = backend.received().stream()
                .filter(b -> b.getBucketsCount() > 0)
                .mapToLong(TelemetryBatch::getSequence)
                .max().orElseThrow();
        assertThat(backend.streams.get(0).ackedThrough()).isGreaterThanOrEqualTo(finalSequence);
        assertThat(pub.status().ackedThroughSequence()).isGreaterThanOrEqualTo(finalSequence);
        assertThat(backend.uniqueRequests()).isEqualTo(500);
        assertThat(pub.status().unackedBatches()).isZero();
        assertThat(pub.status().connectionState()).isEqualTo(BackendConnectionState.DISCONNECTED);
        await().atMost(WAIT).until(() -> backend.streams.get(0).completedByClient);
        assertThat(pub.close(Duration.ofMillis(10))).isTrue();
    }

    @Test
    void closeWithTheBackendDownGivesUpWithinItsTimeout() {
        MutableClock clock = new MutableClock(T0);
        TelemetryAggregator agg = new TelemetryAggregator(clock);
        TelemetryPublisher pub = publisher(fast(), agg, clock);
        pub.start();
        agg.onMessage(MessageType.REQ);

        long began = System.nanoTime();
        boolean allAcked = pub.close(Duration.ofMillis(300));
        long tookMillis = (System.nanoTime() - began) / 1_000_000;

        assertThat(allAcked).isFalse();
        assertThat(tookMillis).isLessThan(5_000);
        assertThat(pub.status().unackedBatches()).isEqualTo(1);
        assertThat(pub.status().bufferedBuckets()).isEqualTo(1);
    }

    private static void writeOnePerMillisecond(TelemetryAggregator agg, MutableClock clock,
            long from, int millis, MessageType type) {
        for (int i = 0; i < millis; i++) {
            clock.set(from + i);
            agg.onMessage(type);
        }
    }

    /** Waits until the publisher has drained everything stamped before {@code now}. */
    private static void awaitDrained(TelemetryPublisher pub, long now) {
        await().atMost(WAIT).until(() -> pub.status().watermarkUnixMillis() >= now);
    }

    private static List<Long> sequence(long from, long count) {
        List<Long> l = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            l.add(from + i);
        }
        return l;
    }
}
