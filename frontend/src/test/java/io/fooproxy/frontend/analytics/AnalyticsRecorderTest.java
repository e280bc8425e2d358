package io.fooproxy.frontend.analytics;

import static io.fooproxy.frontend.sniff.MessageType.ACK;
import static io.fooproxy.frontend.sniff.MessageType.NAK;
import static io.fooproxy.frontend.sniff.MessageType.REQ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.fooproxy.frontend.config.AnalyticsSettings;
import io.fooproxy.frontend.sniff.Direction;
import io.fooproxy.frontend.sniff.FailingSink;
import io.fooproxy.frontend.sniff.LineObserver;
import io.fooproxy.frontend.sniff.LineScanner;
import io.fooproxy.frontend.sniff.RecordingSink;
import io.fooproxy.proto.telemetry.v1.Analytics;
import io.fooproxy.proto.telemetry.v1.ClientUsage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class AnalyticsRecorderTest {
    private static final long T0 = 1_700_000_000_000L;

    @Test
    void concurrentWritersAreDrainedExactlyOnce() throws Exception {
        AnalyticsRecorder recorder = new AnalyticsRecorder(new AnalyticsSettings(true, 4096, 4096),
                AnalyticsClock.SYSTEM);
        int writers = 4;
        int pairs = 50_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            InetAddress client = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (w + 1)});
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                ConnectionAnalytics c = recorder.open(client);
                for (long seq = 1; seq <= pairs; seq++) {
                    c.onMessage(REQ, seq);
                    c.onScanned(Direction.CLIENT_TO_SERVER, 10);
                    c.onMessage(seq % 2 == 0 ? ACK : NAK, seq);
                    c.onMessage(ACK, seq); // a duplicate each time
                    c.onScanned(Direction.SERVER_TO_CLIENT, 20);
                }
                c.closed();
            }, "writer-" + w);
            threads.add(th);
            th.start();
        }
        List<Analytics> drained = new ArrayList<>();
        AtomicBoolean done = new AtomicBoolean();
        start.countDown();
        Thread watcher = new Thread(() -> {
            for (Thread th : threads) {
                try {
                    th.join();
                } catch (InterruptedException e) {
                    return;
                }
            }
            done.set(true);
        });
        watcher.start();
        PendingAnalytics pending = new PendingAnalytics(4096);
        int drains = 0;
        while (!done.get()) {
            recorder.drainInto(pending);
            if (!pending.isEmpty()) {
                drained.add(pending.take());
            }
            drains++;
        }
        watcher.join();
        recorder.drainInto(pending); // what the last writes left
        if (!pending.isEmpty()) {
            drained.add(pending.take());
        }

        long matched = drained.stream().mapToLong(a -> a.getProtocol().getMatchedAnswers()).sum();
        long duplicates = drained.stream().mapToLong(a -> a.getProtocol().getDuplicateAnswers()).sum();
        long unanswered = drained.stream().mapToLong(a -> a.getProtocol().getUnansweredRequests()).sum();
        assertThat(matched).isEqualTo((long) writers * pairs);
        assertThat(duplicates).isEqualTo((long) writers * pairs);
        assertThat(unanswered).isZero();
        assertThat(Decoded.latency(drained).getTotalCount()).isEqualTo(matched);
        long messages = 0;
        long bytes = 0;
        for (Analytics a : drained) {
            for (ClientUsage u : a.getClientsList()) {
                messages += u.getMessages();
                bytes += u.getBytes();
            }
        }
        assertThat(messages).isEqualTo(3L * writers * pairs);
        assertThat(bytes).isEqualTo(30L * writers * pairs);
        long closed = drained.stream()
                .mapToLong(a -> Decoded.histogram(a.getConnectionDurationMillis()).getTotalCount()).sum();
        assertThat(closed).isEqualTo(writers);
        assertThat(drains).isGreaterThan(1);
        // the dead writers' stripes went with their last drain
        assertThat(recorder.stripeCount()).isZero();
    }

    @Test
    void tenThousandClientAddressesStayWithinTheCapWithAnExactOthersBucket() throws Exception {
        int cap = 4096;
        AnalyticsRecorder recorder = new AnalyticsRecorder(new AnalyticsSettings(true, 16, cap),
                new StepClock(T0));
        for (int i = 0; i < 10_000; i++) {
            InetAddress client = InetAddress.getByAddress(new byte[] {127, 0, (byte) (i >> 8), (byte) i});
            ConnectionAnalytics c = recorder.open(client);
            c.onMessage(REQ, 1);
            c.onScanned(Direction.CLIENT_TO_SERVER, 6);
            c.onMessage(ACK, 1);
            c.onScanned(Direction.SERVER_TO_CLIENT, 7);
            c.closed();
        }
        PendingAnalytics pending = new PendingAnalytics(cap);
        recorder.drainInto(pending);
        Analytics a = pending.take();
        assertThat(a.getClientsCount()).isEqualTo(cap);
        assertThat(a.getClientsList()).extracting(ClientUsage::getAddress).doesNotHaveDuplicates()
                .allMatch(s -> s.startsWith("127.0."));
        long namedMessages = a.getClientsList().stream().mapToLong(ClientUsage::getMessages).sum();
        long namedBytes = a.getClientsList().stream().mapToLong(ClientUsage::getBytes).sum();
        assertThat(namedMessages).isEqualTo(2L * cap);
        assertThat(a.getOtherClients().getAddress()).isEmpty();
        assertThat(a.getOtherClients().getMessages()).isEqualTo(2L * (10_000 - cap));
        assertThat(namedBytes + a.getOtherClients().getBytes()).isEqualTo(13L * 10_000);
        assertThat(a.getProtocol().getMatchedAnswers()).isEqualTo(10_000);
        assertThat(pending.isEmpty()).isTrue();
    }

    @Test
    void pendingSlicesOlderThanTheWindowAreMergedIntoOneAndStayBounded() {
        StepClock clock = new StepClock(T0);
        AnalyticsRecorder recorder = new AnalyticsRecorder(AnalyticsSettings.defaults(), clock);
        ConnectionAnalytics c = recorder.open(InetAddress.getLoopbackAddress());
        PendingAnalytics pending = new PendingAnalytics(16);
        // 60 s of one answer per 100 ms slice, drained now and then, never taken (backend away)
        for (long seq = 1; seq <= 600; seq++) {
            answered(c, seq, () -> clock.advanceMillis(100));
            if (seq % 5 == 0) {
                recorder.drainInto(pending);
                pending.compact(clock.wallMillis() - 10_000, 128);
                assertThat(pending.sliceCount()).isLessThanOrEqualTo(102);
            }
        }
        Analytics a = pending.take();
        assertThat(a.getLatencyCount()).isBetween(100, 102);
        // ascending, one per start, and the first one holds everything older than 10 s
        List<Long> starts = a.getLatencyList().stream().map(s -> s.getStartUnixMillis()).toList();
        assertThat(starts).isSorted().doesNotHaveDuplicates();
        assertThat(starts.get(0)).isLessThan(clock.wallMillis() - 10_000);
        assertThat(Decoded.histogram(a.getLatency(0).getHistogram()).getTotalCount()).isGreaterThan(490);
        assertThat(Decoded.latency(List.of(a)).getTotalCount()).isEqualTo(600);
        assertThat(a.getProtocol().getMatchedAnswers()).isEqualTo(600);
    }

    @Test
    void aBatchCarriesOnlyItsOwnLatenciesThoughItsHistogramsAreReused() {
        StepClock clock = new StepClock(T0);
        AnalyticsRecorder recorder = new AnalyticsRecorder(AnalyticsSettings.defaults(), clock);
        ConnectionAnalytics c = recorder.open(InetAddress.getLoopbackAddress());
        PendingAnalytics pending = new PendingAnalytics(16);
        for (int batch = 1; batch <= 10; batch++) {
            // batch n: n answers, each taking n ms, within one 100 ms slice
            for (int i = 0; i < batch; i++) {
                long micros = batch * 1000L;
                answered(c, batch * 100L + i, () -> clock.advanceMicros(micros));
            }
            clock.advanceMillis(100);
            recorder.drainInto(pending);
            Analytics a = pending.take();

            org.HdrHistogram.Histogram latency = Decoded.latency(List.of(a));
            assertThat(latency.getTotalCount()).isEqualTo(batch);
            assertThat(latency.getMinValue()).isEqualTo(latency.lowestEquivalentValue(batch * 1000L));
            assertThat(latency.getMaxValue()).isEqualTo(latency.highestEquivalentValue(batch * 1000L));
        }
    }

    @Test
    void theHardSliceCapHoldsWhateverTheClockDoes() {
        StepClock clock = new StepClock(T0);
        AnalyticsRecorder recorder = new AnalyticsRecorder(AnalyticsSettings.defaults(), clock);
        ConnectionAnalytics c = recorder.open(InetAddress.getLoopbackAddress());
        PendingAnalytics pending = new PendingAnalytics(16);
        for (long seq = 1; seq <= 300; seq++) {
            c.onMessage(REQ, seq);
            c.onMessage(ACK, seq);
            c.onScanned(Direction.CLIENT_TO_SERVER, 6);
            clock.advanceMillis(100);
            recorder.drainInto(pending);
            pending.compact(Long.MIN_VALUE, 20); // a cutoff that never ages anything out
            // merged down to the cap exactly, never further
            assertThat(pending.sliceCount()).isEqualTo((int) Math.min(seq, 20));
        }
        assertThat(Decoded.latency(List.of(pending.take())).getTotalCount()).isEqualTo(300);
    }

    @Test
    void aSinkThatThrowsMidReadStillClosesTheReadsCriticalSection() {
        AnalyticsRecorder recorder = new AnalyticsRecorder(new AnalyticsSettings(true, 64, 64), AnalyticsClock.SYSTEM);
        ConnectionAnalytics c = recorder.open(InetAddress.getLoopbackAddress());
        LineScanner requests = new LineScanner(Direction.CLIENT_TO_SERVER, 1024, new RecordingSink(),
                LineObserver.NONE, c);
        LineScanner answers = new LineScanner(Direction.SERVER_TO_CLIENT, 1024, new FailingSink(),
                LineObserver.NONE, c);
        ByteBuf sent = Unpooled.copiedBuffer("REQ 1\nREQ 2\n", StandardCharsets.US_ASCII);
        ByteBuf answered = Unpooled.copiedBuffer("ACK 1\nACK 2\n", StandardCharsets.US_ASCII);
        try {
            requests.scan(sent);
            // the tracker records both answers, then the sink fails on the run of two ACKs
            assertThatThrownBy(() -> answers.scan(answered)).hasMessage("sink broke");
        } finally {
            sent.release();
            answered.release();
        }

        // a section left open would make the drain's flip wait for it forever
        PendingAnalytics pending = new PendingAnalytics(64);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> recorder.drainInto(pending));
        assertThat(pending.take().getProtocol().getMatchedAnswers()).isEqualTo(2);
    }

    /** A REQ read, then {@code elapse}, then its ACK read: one answered request. */
    private static void answered(ConnectionAnalytics c, long seq, Runnable elapse) {
        c.onMessage(REQ, seq);
        c.onScanned(Direction.CLIENT_TO_SERVER, 6);
        elapse.run();
        c.onMessage(ACK, seq);
        c.onScanned(Direction.SERVER_TO_CLIENT, 6);
    }
}
