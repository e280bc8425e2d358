package io.fooproxy.backend.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fooproxy.backend.recovery.RecoveryFileFormat;
import io.fooproxy.backend.recovery.RecoveryManager;
import io.fooproxy.backend.recovery.RecoverySettings;
import io.fooproxy.backend.stats.Batches;
import io.fooproxy.backend.stats.MutableClock;
import io.fooproxy.backend.stats.StatsAggregator;
import io.fooproxy.proto.stats.v1.FrontendStats;
import io.fooproxy.proto.stats.v1.Stats;
import io.fooproxy.proto.telemetry.v1.TelemetryBatch;
import io.fooproxy.proto.telemetry.v1.TelemetryServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TelemetryIngestServiceTest {

    static final long T = 1_700_000_000_000L;
    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T);
    private final List<Backend> backends = new ArrayList<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Backend b : backends) {
            b.stop();
        }
    }

    /** An in-process backend: aggregator, recovery on a file, ingest service, server, channel. */
    private final class Backend {
        final StatsAggregator aggregator = new StatsAggregator(clock);
        final RecoveryManager recovery;
        final TelemetryIngestService service;
        final Server server;
        final ManagedChannel channel;

        Backend(Path file, boolean startPersister) throws Exception {
            recovery = new RecoveryManager(
                    new RecoverySettings(file, Duration.ofMillis(20)), aggregator, clock);
            recovery.restore();
            if (startPersister) {
                recovery.start();
            }
            service = new TelemetryIngestService(aggregator, recovery);
            String name = InProcessServerBuilder.generateName();
            server = InProcessServerBuilder.forName(name).addService(service).build().start();
            channel = InProcessChannelBuilder.forName(name).build();
            backends.add(this);
        }

        StreamObserver<TelemetryBatch> publish(AckRecorder recorder) {
            return TelemetryServiceGrpc.newStub(channel).publish(recorder);
        }

        void stop() throws InterruptedException {
            channel.shutdownNow();
            server.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
            server.awaitTermination(5, TimeUnit.SECONDS);
            recovery.close();
        }
    }

    private Path file() {
        return dir.resolve("recovery.json");
    }

    private static long requestsOnDisk(Path file) {
        try {
            return RecoveryFileFormat.decode(Files.readAllBytes(file)).totals().getRequests();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Batch {@code seq} of incarnation 7 of "fe": one bucket with one REQ (so REQs = batches). */
    private static TelemetryBatch batch(long seq) {
        return Batches.one("fe", 7, seq, T - 100 + seq, 1, 0, 0);
    }

    @Test
    void batchesAreAppliedOnceAndAcknowledgedInOrder() throws Exception {
        Backend b = new Backend(file(), true);
        AckRecorder rec = new AckRecorder();
        StreamObserver<TelemetryBatch> out = b.publish(rec);
        for (long seq = 1; seq <= 20; seq++) {
            out.onNext(batch(seq));
        }
        await().atMost(WAIT).until(() -> rec.lastAck() == 20);
        assertThat(rec.acks).isSorted().doesNotHaveDuplicates();
        Stats s = b.aggregator.snapshot();
        assertThat(s.getMsgReq()).isEqualTo(20);
        assertThat(s.getFrontends(0).getBatchesApplied()).isEqualTo(20);
        assertThat(s.getFrontends(0).getConnected()).isTrue();
        out.onCompleted();
        await().atMost(WAIT).until(() -> rec.completed);
        assertThat(rec.error).isNull();
    }

    @Test
    void anAckArrivesOnlyOnceItsBatchIsOnDisk() throws Exception {
        Backend b = new Backend(file(), false); // no writer yet
        List<Long> onDiskAtAck = new CopyOnWriteArrayList<>();
        AckRecorder rec = new AckRecorder(seq -> onDiskAtAck.add(requestsOnDisk(file())));
        StreamObserver<TelemetryBatch> out = b.publish(rec);
        out.onNext(batch(1));
        out.onNext(batch(2));
        await().atMost(WAIT).until(() -> b.aggregator.snapshot().getMsgReq() == 2);
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> rec.acks.isEmpty());
        assertThat(file()).doesNotExist();

        b.recovery.start();
        await().atMost(WAIT).until(() -> rec.lastAck() == 2);
        for (long seq = 3; seq <= 10; seq++) {
            out.onNext(batch(seq));
        }
        await().atMost(WAIT).until(() -> rec.lastAck() == 10);
        // at every ack, the file already held at least everything acknowledged
        for (int i = 0; i < rec.acks.size(); i++) {
            assertThat(onDiskAtAck.get(i)).isGreaterThanOrEqualTo(rec.acks.get(i));
        }
        out.onCompleted();
    }

    @Test
    void aBatchResentOnTheSameStreamIsNotCountedTwice() throws Exception {
        Backend b = new Backend(file(), true);
        AckRecorder rec = new AckRecorder();
        StreamObserver<TelemetryBatch> out = b.publish(rec);
        out.onNext(batch(1));
        out.onNext(batch(2));
        out.onNext(batch(2));
        out.onNext(batch(1));
        out.onNext(batch(3));
        await().atMost(WAIT).until(() -> rec.lastAck() == 3);
        FrontendStats f = b.aggregator.snapshot().getFrontends(0);
        assertThat(f.getMsgReq()).isEqualTo(3);
        assertThat(f.getBatchesApplied()).isEqualTo(3);
        assertThat(f.getBatchesDuplicate()).isEqualTo(2);
        out.onCompleted();
    }

    @Test
    void batchesResentOnANewStreamAreAcknowledgedButNotCountedAgain() throws Exception {
        Backend b = new Backend(file(), true);
        AckRecorder first = new AckRecorder();
        StreamObserver<TelemetryBatch> out1 = b.publish(first);
        out1.onNext(batch(1));
        out1.onNext(batch(2));
        await().atMost(WAIT).until(() -> first.lastAck() == 2);
        out1.onError(Status.UNAVAILABLE.asRuntimeException()); // the link broke
        await().atMost(WAIT).until(() -> b.aggregator.connectedFrontendCount() == 0);

        AckRecorder second = new AckRecorder();
        StreamObserver<TelemetryBatch> out2 = b.publish(second);
        out2.onNext(batch(2)); // its ack was lost, say
        await().atMost(WAIT).until(() -> second.lastAck() == 2);
        out2.onNext(batch(3));
        await().atMost(WAIT).until(() -> second.lastAck() == 3);
        FrontendStats f = b.aggregator.snapshot().getFrontends(0);
        assertThat(f.getMsgReq()).isEqualTo(3);
        assertThat(f.getBatchesDuplicate()).isEqualTo(1);
        out2.onCompleted();
    }

    @Test
    void aNewIncarnationIsAccepted() throws Exception {
        Backend b = new Backend(file(), true);
        AckRecorder old = new AckRecorder();
        StreamObserver<TelemetryBatch> out1 = b.publish(old);
        out1.onNext(Batches.one("fe", 1, 1, T - 5, 1, 0, 0));
        out1.onNext(Batches.one("fe", 1, 2, T - 5, 1, 0, 0));
        await().atMost(WAIT).until(() -> old.lastAck() == 2);
        out1.onCompleted();

        AckRecorder restarted = new AckRecorder();
        StreamObserver<TelemetryBatch> out2 = b.publish(restarted);
        out2.onNext(Batches.one("fe", 2, 1, T - 4, 1, 0, 0)); // sequences start again at 1
        await().atMost(WAIT).until(() -> restarted.lastAck() == 1);
        Stats s = b.aggregator.snapshot();
        assertThat(s.getMsgReq()).isEqualTo(3);
        assertThat(s.getFrontendsCount()).isEqualTo(1);
        assertThat(s.getFrontends(0).getBatchesDuplicate()).isZero();
        out2.onCompleted();
    }

    /**
     * kill -9 and restart: the disk holds what it held at the crash; the frontend resends what
     * it has not seen acknowledged (and, to be hard, a little more). Totals stay exact whether
     * the last batch made it to disk before the crash or not.
     */
    @ParameterizedTest(name = "last batch on disk before the crash: {0}")
    @ValueSource(booleans = {false, true})
    void aRestartedBackendKeepsTotalsExactWhenBatchesAreResent(boolean lastOnDisk)
            throws Exception {
        Backend before = new Backend(file(), true);
        AckRecorder rec = new AckRecorder();
        StreamObserver<TelemetryBatch> out = before.publish(rec);
        for (long seq = 1; seq <= 5; seq++) {
            out.onNext(batch(seq));
        }
        await().atMost(WAIT).until(() -> rec.lastAck() == 5);
        Path crashImage = dir.resolve("image/recovery.json");
        Files.createDirectories(crashImage.getParent());
        if (!lastOnDisk) {
            Files.copy(file(), crashImage); // the crash comes before batch 6 is written
        }
        out.onNext(batch(6));
        if (lastOnDisk) {
            await().atMost(WAIT).until(() -> rec.lastAck() == 6);
            Files.copy(file(), crashImage); // written, but say the ack was lost in the crash
        } else {
            await().atMost(WAIT).until(() -> before.aggregator.snapshot().getMsgReq() == 6);
        }
        before.stop();

        Backend after = new Backend(crashImage, true);
        assertThat(after.aggregator.snapshot().getMsgReq()).isEqualTo(lastOnDisk ? 6 : 5);
        AckRecorder again = new AckRecorder();
        StreamObserver<TelemetryBatch> resend = after.publish(again);
        for (long seq = 4; seq <= 6; seq++) {
            resend.onNext(batch(seq));
        }
        resend.onNext(batch(7));
        await().atMost(WAIT).until(() -> again.lastAck() == 7);
        FrontendStats f = after.aggregator.snapshot().getFrontends(0);
        assertThat(f.getMsgReq()).isEqualTo(7);
        assertThat(f.getBatchesApplied()).isEqualTo(7);
        assertThat(requestsOnDisk(crashImage)).isEqualTo(7);
        resend.onCompleted();
    }

    @Test
    void anEmptyFrontendIdFailsTheStreamWithInvalidArgument() throws Exception {
        Backend b = new Backend(file(), true);
        AckRecorder rec = new AckRecorder();
        b.publish(rec).onNext(Batches.one("", 7, 1, T, 1, 0, 0));
        await().atMost(WAIT).until(() -> rec.error != null);
        assertThat(rec.errorCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Status.fromThrowable(rec.error).getDescription()).contains("frontend_id");
        assertThat(b.aggregator.knownFrontendCount()).isZero();
    }

    @Test
    void sequenceZeroFailsTheStreamWithInvalidArgumentAndCountsNothing() throws Exception {
        Backend b = new Backend(file(), true);
        AckRecorder rec = new AckRecorder();
        StreamObserver<TelemetryBatch> out = b.publish(rec);
        out.onNext(batch(1));
        out.onNext(batch(0));
        await().atMost(WAIT).until(() -> rec.error != null);
        assertThat(rec.errorCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Status.fromThrowable(rec.error).getDescription()).contains("sequence");
        assertThat(b.aggregator.snapshot().getMsgReq()).isEqualTo(1);
        await().atMost(WAIT).until(() -> b.aggregator.connectedFrontendCount() == 0);
    }

    @Test
    void aStreamCarriesOneFrontend() throws Exception {
        Backend b = new Backend(file(), true);
        AckRecorder rec = new AckRecorder();
        StreamObserver<TelemetryBatch> out = b.publish(rec);
        out.onNext(batch(1));
        out.onNext(Batches.one("someone-else", 7, 2, T, 1, 0, 0));
        await().atMost(WAIT).until(() -> rec.error != null);
        assertThat(rec.errorCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(b.aggregator.knownFrontendCount()).isEqualTo(1);
    }

    @Test
    void absurdFrontendIdsAreRefused() throws Exception {
        Backend b = new Backend(file(), true);
        for (String id : List.of("x".repeat(257), "new\nline")) {
            AckRecorder rec = new AckRecorder();
            b.publish(rec).onNext(Batches.one(id, 7, 1, T, 1, 0, 0));
            await().atMost(WAIT).until(() -> rec.error != null);
            assertThat(rec.errorCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        }
        assertThat(b.aggregator.knownFrontendCount()).isZero();
    }

    @Test
    void whenNothingCanBecomeDurableTheStreamFailsSoTheFrontendResends() throws Exception {
        Backend b = new Backend(file(), false);
        b.recovery.close(); // shutting down
        AckRecorder rec = new AckRecorder();
        b.publish(rec).onNext(batch(1));
        await().atMost(WAIT).until(() -> rec.error != null);
        assertThat(rec.errorCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(rec.acks).isEmpty();
    }

    @Test
    void theFrontendsHealthFollowsConnectionsAndADisconnectedFrontendStopsHoldingTheWindow()
            throws Exception {
        Backend b = new Backend(file(), true);
        var health = b.service.frontendsHealthComponent();
        assertThat(health.name()).isEqualTo("frontends");
        assertThat(health.critical()).isFalse();
        assertThat(health.status().serving()).isFalse();

        // a batch whose watermark is 500 ms behind now, with REQs right up to it and after it
        TelemetryBatch held = Batches.steady("fe", 7, 1, T - 1_000, T, 1).toBuilder()
                .setWatermarkUnixMillis(T - 500).build();
        AckRecorder rec = new AckRecorder();
        StreamObserver<TelemetryBatch> out = b.publish(rec);
        out.onNext(held);
        await().atMost(WAIT).until(() -> rec.lastAck() == 1);
        assertThat(health.status().serving()).isTrue();
        assertThat(health.status().detail()).contains("1 of 1");
        // windows end at T - 500: 1 s window [T-1500, T-500) holds 500 of the REQs
        assertThat(b.aggregator.snapshot().getRequestRate1S()).isEqualTo(500.0);

        out.onCompleted();
        await().atMost(WAIT).until(() -> rec.completed);
        await().atMost(WAIT).until(() -> !health.status().serving());
        assertThat(health.status().detail()).contains("no frontend connected");
        Stats s = b.aggregator.snapshot();
        assertThat(s.getFrontends(0).getConnected()).isFalse();
        assertThat(s.getRequestRate1S()).isEqualTo(1000.0); // [T-1000, T): no longer held back
    }

    @Test
    void shutdownAcknowledgesWhatWasAppliedOnceDurableThenEndsTheStreamAndIgnoresTheRest()
            throws Exception {
        Backend b = new Backend(file(), false); // nothing becomes durable yet
        List<Long> onDiskAtAck = new CopyOnWriteArrayList<>();
        AckRecorder rec = new AckRecorder(seq -> onDiskAtAck.add(requestsOnDisk(file())));
        StreamObserver<TelemetryBatch> out = b.publish(rec);
        out.onNext(batch(1));
        out.onNext(batch(2));
        await().atMost(WAIT).until(() -> b.aggregator.snapshot().getMsgReq() == 2);

        CompletableFuture<Boolean> ended = CompletableFuture.supplyAsync(() -> b.service.shutdown(WAIT));
        // shutting down once a new stream is refused
        AckRecorder probe = new AckRecorder();
        b.publish(probe);
        await().atMost(WAIT).until(() -> probe.error != null);
        assertThat(probe.errorCode()).isEqualTo(Status.Code.UNAVAILABLE);
        out.onNext(batch(3)); // arrives while shutting down: the frontend will resend it
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> !ended.isDone());
        assertThat(rec.acks).isEmpty();
        assertThat(rec.error).isNull();

        b.recovery.start();
        assertThat(ended.get(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(WAIT).until(() -> rec.error != null);
        assertThat(rec.errorCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(rec.lastAck()).isEqualTo(2);
        assertThat(onDiskAtAck).allSatisfy(onDisk -> assertThat(onDisk).isEqualTo(2));
        assertThat(b.aggregator.snapshot().getMsgReq()).isEqualTo(2);
        assertThat(b.aggregator.connectedFrontendCount()).isZero();

        // a stream opened now is refused at once and applies nothing
        AckRecorder late = new AckRecorder();
        b.publish(late).onNext(batch(3));
        await().atMost(WAIT).until(() -> late.error != null);
        assertThat(late.errorCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(b.aggregator.snapshot().getMsgReq()).isEqualTo(2);
        assertThat(b.service.shutdown(Duration.ZERO)).isTrue();

        // the next incarnation counts the resent batches exactly once
        b.stop();
        Backend next = new Backend(file(), true);
        AckRecorder again = new AckRecorder();
        StreamObserver<TelemetryBatch> resend = next.publish(again);
        for (long seq = 1; seq <= 3; seq++) {
            resend.onNext(batch(seq));
        }
        await().atMost(WAIT).until(() -> again.lastAck() == 3);
        Stats s = next.aggregator.snapshot();
        assertThat(s.getMsgReq()).isEqualTo(3);
        assertThat(s.getFrontends(0).getBatchesDuplicate()).isEqualTo(2);
    }

    @Test
    void shutdownWithoutStreamsReturnsAtOnceAndAHalfClosedStreamStillCompletes() throws Exception {
        Backend idle = new Backend(file(), true);
        assertThat(idle.service.shutdown(Duration.ofMillis(1))).isTrue();

        Backend b = new Backend(dir.resolve("other.json"), true);
        AckRecorder rec = new AckRecorder();
        StreamObserver<TelemetryBatch> out = b.publish(rec);
        out.onNext(batch(1));
        await().atMost(WAIT).until(() -> rec.lastAck() == 1);
        out.onCompleted();
        await().atMost(WAIT).until(() -> rec.completed);
        assertThat(b.service.shutdown(WAIT)).isTrue();
        assertThat(rec.error).isNull();
    }

    @Test
    void aHalfClosedStreamGetsItsLastAckBeforeItCompletes() throws Exception {
        Backend b = new Backend(file(), false);
        AckRecorder rec = new AckRecorder();
        StreamObserver<TelemetryBatch> out = b.publish(rec);
        out.onNext(batch(1));
        out.onNext(batch(2));
        out.onCompleted();
        await().during(Duration.ofMillis(200)).atMost(WAIT).until(() -> !rec.completed);
        b.recovery.start();
        await().atMost(WAIT).until(() -> rec.completed);
        assertThat(rec.lastAck()).isEqualTo(2);
        assertThat(rec.error).isNull();
    }
}
