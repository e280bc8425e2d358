package io.fooproxy.backend.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.fooproxy.backend.health.HealthComponent.ComponentStatus;
import io.fooproxy.backend.stats.ApplyOutcome;
import io.fooproxy.backend.stats.Batches;
import io.fooproxy.backend.stats.MutableClock;
import io.fooproxy.backend.stats.StatsAggregator;
import io.fooproxy.backend.stats.WindowBucket;
import io.fooproxy.proto.stats.v1.Stats;
import io.fooproxy.proto.telemetry.v1.Counters;
import io.fooproxy.proto.telemetry.v1.MessageBucket;
import io.fooproxy.proto.telemetry.v1.TelemetryBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RecoveryManagerTest {

    static final long T = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final List<RecoveryManager> managers = new ArrayList<>();

    @AfterEach
    void closeAll() {
        managers.forEach(RecoveryManager::close);
    }

    private RecoveryManager manager(Path path, StatsAggregator agg, MutableClock clock) {
        RecoveryManager m = new RecoveryManager(
                new RecoverySettings(path, Duration.ofMillis(20)), agg, clock);
        managers.add(m);
        return m;
    }

    private static RestoredSnapshot read(Path path) throws Exception {
        return RecoveryFileFormat.decode(Files.readAllBytes(path));
    }

    /** 1 000 REQ/s and 2 000 ACK/s in [T-10 000, T), one batch, with some counters. */
    private static TelemetryBatch tenSecondsOfLoad(String id, long seq) {
        TelemetryBatch.Builder b = TelemetryBatch.newBuilder()
                .setFrontendId(id).setIncarnation(42).setSequence(seq).setWatermarkUnixMillis(T)
                .setCounters(Counters.newBuilder().setInvalidLines(3).setConnectionsOpened(4));
        for (long t = T - 10_000; t < T; t++) {
            b.addBuckets(MessageBucket.newBuilder().setStartUnixMillis(t).setRequests(1).setAcks(2));
        }
        return b.build();
    }

    @ParameterizedTest(name = "restart {0} s after the last save")
    @CsvSource({
        "0,  1000, 1000, 2000, 2000",
        "3,     0,  700,    0, 1400",
        "9,     0,  100,    0,  200",
        "10,    0,    0,    0,    0",
        "11,    0,    0,    0,    0",
    })
    void restartRestoresTotalsAlwaysAndWindowsByTheRule(
            long gapSeconds, double req1, double req10, double resp1, double resp10)
            throws Exception {
        Path path = dir.resolve("recovery.json");
        MutableClock clock = new MutableClock(T);
        StatsAggregator before = new StatsAggregator(clock);
        RecoveryManager m1 = manager(path, before, clock);
        m1.restore();
        before.apply(tenSecondsOfLoad("fe", 1));
        m1.close(); // the final write, saved at T

        clock.set(T + gapSeconds * 1_000);
        StatsAggregator after = new StatsAggregator(clock);
        manager(path, after, clock).restore();
        Stats s = after.snapshot();
        assertThat(s.getMsgReq()).isEqualTo(10_000);
        assertThat(s.getMsgAck()).isEqualTo(20_000);
        assertThat(s.getMsgTotal()).isEqualTo(30_000);
        assertThat(s.getMsgInvalid()).isEqualTo(3);
        assertThat(s.getConnectionsTotal()).isEqualTo(4);
        assertThat(s.getRequestRate1S()).isEqualTo(req1);
        assertThat(s.getRequestRate10S()).isEqualTo(req10);
        assertThat(s.getResponseRate1S()).isEqualTo(resp1);
        assertThat(s.getResponseRate10S()).isEqualTo(resp10);
    }

    @Test
    void totalsAndDeduplicationStateSurviveSaveAndLoad() throws Exception {
        Path path = dir.resolve("recovery.json");
        MutableClock clock = new MutableClock(T);
        StatsAggregator before = new StatsAggregator(clock);
        RecoveryManager m1 = manager(path, before, clock);
        m1.restore();
        before.apply(Batches.one("a", 11, 1, T - 5, 3, 2, 1));
        before.apply(Batches.one("a", 11, 2, T - 4, 3, 2, 1));
        before.apply(Batches.one("a", 11, 2, T - 4, 3, 2, 1)); // duplicate
        before.apply(Batches.one("b", 22, 7, T - 3, 1, 0, 0));
        m1.close();

        StatsAggregator after = new StatsAggregator(clock);
        manager(path, after, clock).restore();
        assertThat(after.exportState().frontends()).isEqualTo(before.exportState().frontends());
        Stats s = after.snapshot();
        assertThat(s.getMsgTotal()).isEqualTo(13);
        assertThat(s.getFrontends(0).getBatchesApplied()).isEqualTo(2);
        assertThat(s.getFrontends(0).getBatchesDuplicate()).isEqualTo(1);
        // resending what was applied is recognised; the next sequence is applied
        assertThat(after.apply(Batches.one("a", 11, 2, T - 4, 3, 2, 1)))
                .isEqualTo(ApplyOutcome.DUPLICATE);
        assertThat(after.apply(Batches.one("b", 22, 7, T - 3, 1, 0, 0)))
                .isEqualTo(ApplyOutcome.DUPLICATE);
        assertThat(after.apply(Batches.one("b", 22, 8, T - 3, 1, 0, 0)))
                .isEqualTo(ApplyOutcome.APPLIED);
        assertThat(after.snapshot().getMsgTotal()).isEqualTo(14);
    }

    @Test
    void aMissingFileStartsCleanAndItsDirectoryIsCreated() {
        Path path = dir.resolve("a/b/recovery.json");
        MutableClock clock = new MutableClock(T);
        StatsAggregator agg = new StatsAggregator(clock);
        RecoveryManager m = manager(path, agg, clock);
        m.restore();
        assertThat(path.getParent()).isDirectory();
        assertThat(path).doesNotExist();
        assertThat(agg.snapshot().getMsgTotal()).isZero();
        assertThat(m.durable()).isCompleted(); // nothing to make durable
        m.close();
        assertThat(path).isRegularFile();
    }

    static Stream<String> corruptContents() {
        return Stream.of(
                "",
                "   \n",
                "{not json",
                "[1,2,3]",
                "{}", // no format_version
                "{\"format_version\":2}",
                "{\"format_version\":1,\"unknown_field\":1}",
                "{\"format_version\":1,\"totals\":{\"requests\":\"5\"}}", // no frontend has them
                "{\"format_version\":1,\"frontends\":[{\"frontend_id\":\"\"}]}",
                "{\"format_version\":1,\"frontends\":[{\"frontend_id\":\"a\"},"
                        + "{\"frontend_id\":\"a\"}]}",
                "{\"format_version\":1,\"window\":{\"offset_millis\":[1,2],\"requests\":[\"1\"],"
                        + "\"acks\":[\"1\"],\"naks\":[\"1\"]}}",
                "{\"format_version\":1,\"saved_at_unix_millis\":\"99999999999999999999999\"}");
    }

    @ParameterizedTest
    @MethodSource("corruptContents")
    void aCorruptFileIsMovedAsideWithOneWarningAndTheBackendStartsClean(String content)
            throws Exception {
        Path path = dir.resolve("recovery.json");
        Files.writeString(path, content);
        MutableClock clock = new MutableClock(T);
        StatsAggregator agg = new StatsAggregator(clock);
        RecoveryManager m = manager(path, agg, clock);
        try (LogCapture logs = new LogCapture(RecoveryManager.class)) {
            m.restore();
            Path aside = dir.resolve("recovery.json.corrupt-" + T);
            assertThat(aside).isRegularFile().hasContent(content);
            assertThat(path).doesNotExist();
            assertThat(logs.at(Level.WARN)).singleElement().asString()
                    .contains(path.toString()).contains(aside.toString()).doesNotContain("\n");
        }
        assertThat(agg.snapshot().getMsgTotal()).isZero();
        assertThat(agg.knownFrontendCount()).isZero();
    }

    @Test
    void binaryGarbageIsMovedAsideToo() throws Exception {
        Path path = dir.resolve("recovery.json");
        Files.write(path, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, '{'});
        Files.writeString(dir.resolve("recovery.json.corrupt-" + T), "an older one");
        MutableClock clock = new MutableClock(T);
        StatsAggregator agg = new StatsAggregator(clock);
        manager(path, agg, clock).restore();
        assertThat(dir.resolve("recovery.json.corrupt-" + T)).hasContent("an older one");
        assertThat(dir.resolve("recovery.json.corrupt-" + T + "-2")).isRegularFile();
        assertThat(path).doesNotExist();
    }

    @Test
    void aDirectoryWhereTheFileShouldBeIsMovedAside() throws Exception {
        Path path = dir.resolve("recovery.json");
        Files.createDirectory(path);
        MutableClock clock = new MutableClock(T);
        manager(path, new StatsAggregator(clock), clock).restore();
        assertThat(dir.resolve("recovery.json.corrupt-" + T)).isDirectory();
        assertThat(path).doesNotExist();
    }

    @Test
    void writesAreAtomicAndLeaveNoTempFile() throws Exception {
        Path path = dir.resolve("recovery.json");
        Path temp = AtomicFileWriter.tempFileFor(path);
        Files.writeString(temp, "half a write from a crash");
        MutableClock clock = new MutableClock(T);
        StatsAggregator agg = new StatsAggregator(clock);
        RecoveryManager m = manager(path, agg, clock);
        m.restore();
        assertThat(temp).doesNotExist(); // the crash leftover is cleaned up
        m.start();
        for (int i = 1; i <= 5; i++) {
            agg.apply(Batches.one("fe", 1, i, T - 1, 1, 0, 0));
            m.durable().join();
        }
        assertThat(read(path).totals().getRequests()).isEqualTo(5);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(path);
        }
    }

    @Test
    void durableCompletesOnlyAfterAWriteThatHoldsTheChange() throws Exception {
        Path path = dir.resolve("recovery.json");
        MutableClock clock = new MutableClock(T);
        StatsAggregator agg = new StatsAggregator(clock);
        RecoveryManager m = manager(path, agg, clock);
        m.restore();
        agg.apply(Batches.one("fe", 1, 1, T - 1, 7, 0, 0));
        AtomicReference<Long> onDisk = new AtomicReference<>();
        CompletableFuture<Void> f = m.durable().thenRun(() -> {
            try {
                onDisk.set(read(path).totals().getRequests());
            } catch (Exception e) {
                onDisk.set(-1L);
            }
        });
        // not started: nothing writes, so nothing is durable
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
                .until(() -> !f.isDone());
        m.start();
        await().atMost(Duration.ofSeconds(5)).until(f::isDone);
        assertThat(onDisk.get()).isEqualTo(7L);
        // unchanged since that write: durable at once
        assertThat(m.durable()).isCompleted();
    }

    @Test
    void manyDurableCallsShareOneWrite() {
        Path path = dir.resolve("recovery.json");
        MutableClock clock = new MutableClock(T);
        StatsAggregator agg = new StatsAggregator(clock);
        RecoveryManager m = manager(path, agg, clock);
        m.restore();
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            agg.apply(Batches.one("fe", 1, i, T - 1, 1, 0, 0));
            futures.add(m.durable());
        }
        assertThat(futures).noneMatch(CompletableFuture::isDone);
        m.start();
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        assertThat(m.healthComponent().status().serving()).isTrue();
    }

    @Test
    void closeWritesOnceMoreAndFailsWhatCanNoLongerBecomeDurable() throws Exception {
        Path path = dir.resolve("recovery.json");
        MutableClock clock = new MutableClock(T);
        StatsAggregator agg = new StatsAggregator(clock);
        RecoveryManager m = manager(path, agg, clock);
        m.restore();
        m.start();
        agg.apply(Batches.one("fe", 1, 1, T - 1, 1, 0, 0));
        CompletableFuture<Void> before = m.durable();
        m.close();
        assertThat(before).isCompleted();
        assertThat(read(path).totals().getRequests()).isEqualTo(1);
        assertThat(m.durable()).isCompleted(); // nothing new
        agg.apply(Batches.one("fe", 1, 2, T - 1, 1, 0, 0));
        assertThatThrownBy(() -> m.durable().join()).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
        m.close(); // idempotent
    }

    @Test
    void whileWritesFailAcknowledgementsWaitAndHealthSaysSo() throws Exception {
        Path blocker = dir.resolve("not-a-dir");
        Files.writeString(blocker, "x");
        Path path = blocker.resolve("recovery.json");
        MutableClock clock = new MutableClock(T);
        StatsAggregator agg = new StatsAggregator(clock);
        RecoveryManager m = manager(path, agg, clock);
        m.restore(); // cannot create the directory: logged, not thrown
        assertThat(m.healthComponent().name()).isEqualTo("recovery");
        assertThat(m.healthComponent().critical()).isTrue();
        m.start();
        agg.apply(Batches.one("fe", 1, 1, T - 1, 1, 0, 0));
        CompletableFuture<Void> f = m.durable();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> !m.healthComponent().status().serving());
        ComponentStatus failing = m.healthComponent().status();
        assertThat(failing.detail()).contains(path.toString()).contains("1 acknowledgements waiting");
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
                .until(() -> !f.isDone());

        Files.delete(blocker); // the disk is fixed
        await().atMost(Duration.ofSeconds(5)).until(f::isDone);
        assertThat(m.healthComponent().status().serving()).isTrue();
        assertThat(read(path).totals().getRequests()).isEqualTo(1);
    }

    @Test
    void anIdleBackendStillWritesAtLeastOnceASecond() throws Exception {
        Path path = dir.resolve("recovery.json");
        MutableClock clock = new MutableClock(T);
        StatsAggregator agg = new StatsAggregator(clock);
        RecoveryManager m = manager(path, agg, clock);
        m.restore();
        m.start();
        await().atMost(Duration.ofSeconds(3)).until(() -> Files.exists(path));
        clock.set(T + 5_000);
        await().atMost(Duration.ofSeconds(3))
                .until(() -> read(path).savedAtUnixMillis() == T + 5_000);
    }

    @Test
    void startNeedsRestoreFirst() {
        MutableClock clock = new MutableClock(T);
        RecoveryManager m = manager(dir.resolve("r.json"), new StatsAggregator(clock), clock);
        assertThatThrownBy(m::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeWithoutRestoreNeverOverwritesTheFile() throws Exception {
        Path path = dir.resolve("recovery.json");
        Files.writeString(path, "precious");
        MutableClock clock = new MutableClock(T);
        manager(path, new StatsAggregator(clock), clock).close();
        assertThat(path).hasContent("precious");
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, 1001})
    void theIntervalMustBePositiveAndAtMostOneSecond(long millis) {
        assertThatThrownBy(() -> new RecoverySettings(dir, Duration.ofMillis(millis)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("persist interval");
    }

    @Test
    void settingsDefaults() {
        RecoverySettings d = RecoverySettings.defaults();
        assertThat(d.path()).isEqualTo(Path.of("data/recovery.json"));
        assertThat(d.persistInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(new RecoverySettings(dir.resolve("x"), Duration.ofSeconds(1)).persistInterval())
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void theFileIsReadableJsonWithTheDocumentedFields() throws Exception {
        Path path = dir.resolve("recovery.json");
        MutableClock clock = new MutableClock(T);
        StatsAggregator agg = new StatsAggregator(clock);
        RecoveryManager m = manager(path, agg, clock);
        m.restore();
        agg.apply(Batches.one("fe-1", 5, 3, T - 2, 4, 1, 0));
        m.close();
        String json = Files.readString(path, StandardCharsets.UTF_8);
        assertThat(json).contains("\"format_version\":1")
                .contains("\"saved_at_unix_millis\":\"" + T + "\"")
                .contains("\"frontend_id\":\"fe-1\"")
                .contains("\"last_applied_sequence\":\"3\"")
                .contains("\"window\":{\"base_unix_millis\":\""
                        + Math.floorDiv(T - 2, WindowColumnCache.BASE_ALIGNMENT_MILLIS)
                        * WindowColumnCache.BASE_ALIGNMENT_MILLIS + "\"");
        RestoredSnapshot s = read(path);
        assertThat(s.window()).containsExactly(new WindowBucket(T - 2, 4, 1, 0));
        assertThat(s.frontends().get(0).incarnation()).isEqualTo(5);
    }

    @Test
    void aTamperedFileIsNeverHalfTrusted() throws IOException {
        // totals altered by hand no longer match the per-frontend figures
        Path path = dir.resolve("recovery.json");
        MutableClock clock = new MutableClock(T);
        StatsAggregator agg = new StatsAggregator(clock);
        RecoveryManager m = manager(path, agg, clock);
        m.restore();
        agg.apply(Batches.one("fe", 1, 1, T - 1, 4, 0, 0));
        m.close();
        String edited = Files.readString(path).replaceFirst("\"requests\":\"4\"", "\"requests\":\"5\"");
        Files.writeString(path, edited);
        StatsAggregator after = new StatsAggregator(clock);
        manager(path, after, clock).restore();
        assertThat(after.snapshot().getMsgTotal()).isZero();
        assertThat(dir.resolve("recovery.json.corrupt-" + T)).isRegularFile();
    }
}
