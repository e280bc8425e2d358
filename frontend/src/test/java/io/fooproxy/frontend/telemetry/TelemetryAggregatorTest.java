package io.fooproxy.frontend.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fooproxy.frontend.sniff.Direction;
import io.fooproxy.frontend.sniff.MessageType;
import io.fooproxy.frontend.telemetry.TelemetryAggregator.Bucket;
import io.fooproxy.frontend.telemetry.TelemetryAggregator.Drain;
import io.fooproxy.frontend.telemetry.TelemetryAggregator.Totals;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class TelemetryAggregatorTest {

    private static final long T0 = 1_700_000_000_000L;

    @Test
    void countsMessagesIntoOneMillisecondBucketsAndLeavesTheCurrentMillisecond() {
        MutableClock clock = new MutableClock(T0);
        TelemetryAggregator agg = new TelemetryAggregator(clock);
        agg.onMessage(MessageType.REQ);
        agg.onMessage(MessageType.REQ);
        agg.onMessage(MessageType.REQ);
        clock.set(T0 + 1);
        agg.onMessage(MessageType.ACK);
        agg.onMessage(MessageType.ACK);
        agg.onMessage(MessageType.NAK);

        Drain first = agg.drain();
        assertThat(first.watermarkMillis()).isEqualTo(T0 + 1);
        assertThat(first.buckets()).containsExactly(new Bucket(T0, 3, 0, 0));

        clock.set(T0 + 5);
        Drain second = agg.drain();
        assertThat(second.watermarkMillis()).isEqualTo(T0 + 5);
        assertThat(second.buckets()).containsExactly(new Bucket(T0 + 1, 0, 2, 1));
        assertThat(second.totals().isZero()).isTrue();
    }

    @Test
    void bucketsComeSortedAcrossWritingThreads() throws Exception {
        MutableClock clock = new MutableClock(T0);
        TelemetryAggregator agg = new TelemetryAggregator(clock);
        clock.set(T0 + 7);
        agg.onMessage(MessageType.REQ);
        Thread other = new Thread(() -> {
            agg.onMessage(MessageType.ACK);
            clock.set(T0 + 3);
            agg.onMessage(MessageType.NAK);
        });
        other.start();
        other.join();
        clock.set(T0 + 10);

        assertThat(agg.drain().buckets()).containsExactly(
                new Bucket(T0 + 3, 0, 0, 1), new Bucket(T0 + 7, 1, 1, 0));
    }

    @Test
    void drainResetsEverythingButTheConnectionGauge() {
        MutableClock clock = new MutableClock(T0);
        TelemetryAggregator agg = new TelemetryAggregator(clock);
        agg.onMessage(MessageType.REQ);
        agg.onInvalidLine(Direction.CLIENT_TO_SERVER);
        agg.onInvalidLine(Direction.SERVER_TO_CLIENT);
        agg.onOversizedLine(Direction.CLIENT_TO_SERVER);
        agg.onBytes(Direction.CLIENT_TO_SERVER, 100);
        agg.onBytes(Direction.SERVER_TO_CLIENT, 40);
        agg.onBytes(Direction.SERVER_TO_CLIENT, -5);
        agg.onConnectionOpened();
        agg.onConnectionOpened();
        agg.onConnectionOpened();
        agg.onConnectionClosed();
        agg.onUpstreamConnectFailure();
        clock.advance(1);

        Drain first = agg.drain();
        assertThat(first.buckets()).containsExactly(new Bucket(T0, 1, 0, 0));
        assertThat(first.totals()).isEqualTo(new Totals(0, 0, 0, 2, 1, 3, 1, 100, 40, 1));
        assertThat(first.activeConnections()).isEqualTo(2);

        clock.advance(1);
        Drain second = agg.drain();
        assertThat(second.buckets()).isEmpty();
        assertThat(second.totals().isZero()).isTrue();
        assertThat(second.activeConnections()).isEqualTo(2);

        agg.onConnectionClosed();
        agg.onConnectionClosed();
        agg.onConnectionClosed();
        assertThat(agg.drain().activeConnections()).isZero();
    }

    @Test
    void watermarkIsNowWhenIdleAndNeverGoesBack() {
        MutableClock clock = new MutableClock(T0);
        TelemetryAggregator agg = new TelemetryAggregator(clock);
        clock.set(T0 + 100);
        assertThat(agg.drain().watermarkMillis()).isEqualTo(T0 + 100);
        clock.set(T0 + 50); // the wall clock stepped back
        assertThat(agg.drain().watermarkMillis()).isEqualTo(T0 + 100);
        clock.set(T0 + 200);
        assertThat(agg.drain().watermarkMillis()).isEqualTo(T0 + 200);
    }

    @Test
    void drainAllTakesTheCurrentMillisecondToo() {
        MutableClock clock = new MutableClock(T0);
        TelemetryAggregator agg = new TelemetryAggregator(clock);
        agg.onMessage(MessageType.REQ);
        assertThat(agg.drain().buckets()).isEmpty();
        Drain last = agg.drainAll();
        assertThat(last.buckets()).containsExactly(new Bucket(T0, 1, 0, 0));
        assertThat(last.watermarkMillis()).isEqualTo(T0 + 1);
    }

    /**
     * A writer that has announced itself but not yet read the clock may still stamp its
     * message with a millisecond the drainer would otherwise consider past: the watermark must
     * not move until it is done.
     */
    @Test
    void writerBetweenEnteringAndReadingTheClockHoldsTheWatermark() throws Exception {
        CountDownLatch writerInClock = new CountDownLatch(1);
        CountDownLatch releaseWriter = new CountDownLatch(1);
        AtomicReference<Thread> gatedThread = new AtomicReference<>();
        MutableClock base = new MutableClock(T0);
        Clock gated = new Clock() {
            @Override
            public long millis() {
                if (Thread.currentThread() == gatedThread.get()) {
                    writerInClock.countDown();
                    try {
                        releaseWriter.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return T0 + 7; // what it read the instant it entered
                }
                return base.millis();
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(millis());
            }

            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException();
            }
        };
        TelemetryAggregator agg = new TelemetryAggregator(gated);
        base.set(T0 + 5);
        assertThat(agg.drain().watermarkMillis()).isEqualTo(T0 + 5);

        Thread writer = new Thread(() -> agg.onMessage(MessageType.REQ));
        gatedThread.set(writer);
        writer.start();
        assertThat(writerInClock.await(10, TimeUnit.SECONDS)).isTrue();

        base.set(T0 + 10);
        Drain held = agg.drain();
        assertThat(held.watermarkMillis()).isEqualTo(T0 + 5);
        assertThat(held.buckets()).isEmpty();

        releaseWriter.countDown();
        writer.join();
        Drain after = agg.drain();
        assertThat(after.buckets()).containsExactly(new Bucket(T0 + 7, 1, 0, 0));
        assertThat(after.watermarkMillis()).isEqualTo(T0 + 10);
    }

    @Test
    void ringThatWrapsBeforeADrainKeepsOldCountsAsTotals() {
        MutableClock clock = new MutableClock(T0);
        TelemetryAggregator agg = new TelemetryAggregator(clock, 8);
        for (int ms = 0; ms < 20; ms++) {
            clock.set(T0 + ms);
            agg.onMessage(MessageType.REQ);
            agg.onMessage(MessageType.NAK);
        }
        clock.set(T0 + 100);
        Drain d = agg.drain();

        List<Bucket> expected = new ArrayList<>();
        for (int ms = 12; ms < 20; ms++) {
            expected.add(new Bucket(T0 + ms, 1, 0, 1));
        }
        assertThat(d.buckets()).containsExactlyElementsOf(expected);
        assertThat(d.totals().requests()).isEqualTo(12);
        assertThat(d.totals().naks()).isEqualTo(12);
        assertThat(d.totals().acks()).isZero();
    }

    @Test
    void rejectsARingThatIsNotAPowerOfTwo() {
        assertThatThrownBy(() -> new TelemetryAggregator(Clock.systemUTC(), 1000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ringMillis");
    }

    @Test
    void stripeOfAFinishedThreadIsReleasedOnceDrained() throws Exception {
        MutableClock clock = new MutableClock(T0);
        TelemetryAggregator agg = new TelemetryAggregator(clock);
        Thread writer = new Thread(() -> agg.onMessage(MessageType.ACK));
        writer.start();
        writer.join();
        assertThat(agg.stripeCount()).isEqualTo(1);

        // Its last slot is the current millisecond: not drainable yet, so the stripe stays.
        assertThat(agg.drain().buckets()).isEmpty();
        assertThat(agg.stripeCount()).isEqualTo(1);

        clock.advance(1);
        assertThat(agg.drain().buckets()).containsExactly(new Bucket(T0, 0, 1, 0));
        assertThat(agg.stripeCount()).isZero();
    }

    /**
     * Several threads hammer the aggregator with the real clock while another drains it
     * concurrently: after the last drain every count is exact, and no drain ever returns a
     * bucket below a watermark an earlier drain already published.
     */
    @Test
    void concurrentWritersLoseAndDuplicateNothing() throws Exception {
        int writers = 4;
        int perWriter = 200_000;
        TelemetryAggregator agg = new TelemetryAggregator(Clock.systemUTC());
        long[] drained = new long[3];
        long[] totalsSeen = new long[5]; // invalid, bytes c2s, opened, closed, bytes s2c
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<String> violation = new AtomicReference<>();

        Thread drainer = new Thread(() -> {
            long published = Long.MIN_VALUE;
            while (writing.get()) {
                Drain d = agg.drain();
                for (Bucket b : d.buckets()) {
                    if (b.startMillis() < published) {
                        violation.compareAndSet(null, "bucket " + b + " below watermark "
                                + published);
                    }
                    if (b.startMillis() >= d.watermarkMillis()) {
                        violation.compareAndSet(null, "bucket " + b + " not below its own "
                                + "watermark " + d.watermarkMillis());
                    }
                }
                add(d, drained, totalsSeen);
                published = d.watermarkMillis();
                Thread.onSpinWait();
            }
        });
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perWriter; i++) {
                    switch (i % 4) {
                        case 0, 1 -> agg.onMessage(MessageType.REQ);
                        case 2 -> agg.onMessage(MessageType.ACK);
                        default -> agg.onMessage(MessageType.NAK);
                    }
                    agg.onBytes(Direction.SERVER_TO_CLIENT, 1);
                    if (i % 10 == 0) {
                        agg.onInvalidLine(Direction.SERVER_TO_CLIENT);
                        agg.onBytes(Direction.CLIENT_TO_SERVER, 3);
                        agg.onConnectionOpened();
                        agg.onConnectionClosed();
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        drainer.start();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        writing.set(false);
        drainer.join();
        add(agg.drainAll(), drained, totalsSeen);
        add(agg.drainAll(), drained, totalsSeen);

        assertThat(violation.get()).isNull();
        long total = (long) writers * perWriter;
        assertThat(drained).containsExactly(total / 2, total / 4, total / 4);
        long sideEvents = (long) writers * (perWriter / 10);
        assertThat(totalsSeen).containsExactly(sideEvents, 3 * sideEvents, sideEvents,
                sideEvents, total);
        assertThat(agg.drainAll().activeConnections()).isZero();
    }

    /**
     * Writers that exit while the drainer runs: a dead thread's stripe is dropped only once
     * it is empty, never with the last slot its thread wrote before exiting still counted in
     * it. (Event-loop threads end like this at shutdown, just before the final drain.)
     */
    @RepeatedTest(3) // one round catches the stripe-dropping race about half the time here
    void writersExitingDuringDrainsLoseNothing() throws Exception {
        int lanes = 4;
        int writersPerLane = 50;
        int perWriter = 20_000;
        TelemetryAggregator agg = new TelemetryAggregator(Clock.systemUTC());
        long[] drained = new long[3];
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread drainer = new Thread(() -> {
            while (writing.get()) {
                add(agg.drain(), drained, new long[4]);
                Thread.onSpinWait();
            }
        });
        drainer.start();
        List<Thread> laneThreads = new ArrayList<>();
        for (int l = 0; l < lanes; l++) {
            Thread lane = new Thread(() -> {
                for (int w = 0; w < writersPerLane; w++) {
                    Thread writer = new Thread(() -> {
                        for (int i = 0; i < perWriter; i++) {
                            agg.onMessage(MessageType.ACK);
                        }
                    });
                    writer.start();
                    try {
                        writer.join();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            laneThreads.add(lane);
            lane.start();
        }
        for (Thread lane : laneThreads) {
            lane.join();
        }
        writing.set(false);
        drainer.join();
        add(agg.drainAll(), drained, new long[4]);

        assertThat(drained).containsExactly(0L, (long) lanes * writersPerLane * perWriter, 0L);
        assertThat(agg.stripeCount()).isZero();
    }

    @Test
    void keepsCountingWhileNobodyDrains() {
        TelemetryAggregator agg = new TelemetryAggregator(Clock.systemUTC(), 4);
        long end = System.nanoTime() + Duration.ofMillis(30).toNanos();
        long n = 0;
        while (System.nanoTime() < end || n < 1000) {
            agg.onMessage(MessageType.REQ);
            n++;
        }
        Drain d = agg.drainAll();
        long[] drained = new long[3];
        add(d, drained, new long[4]);
        assertThat(drained[0]).isEqualTo(n);
        // 30 ms through a 4 ms ring: most of it had to become totals-only.
        assertThat(d.totals().requests()).isPositive();
        assertThat(d.buckets().size()).isLessThanOrEqualTo(4);
    }

    private static void add(Drain d, long[] messages, long[] side) {
        for (Bucket b : d.buckets()) {
            messages[0] += b.requests();
            messages[1] += b.acks();
            messages[2] += b.naks();
        }
        messages[0] += d.totals().requests();
        messages[1] += d.totals().acks();
        messages[2] += d.totals().naks();
        side[0] += d.totals().invalidLines();
        side[1] += d.totals().bytesClientToServer();
        side[2] += d.totals().connectionsOpened();
        side[3] += d.totals().connectionsClosed();
        if (side.length > 4) {
            side[4] += d.totals().bytesServerToClient();
        }
    }
}
