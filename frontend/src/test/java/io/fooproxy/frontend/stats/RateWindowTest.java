package io.fooproxy.frontend.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RateWindowTest {
    private static final long T0 = 1_700_000_000_000L;

    @Test
    void steadyRateReadsTrueInBothWindows() {
        RateWindow window = new RateWindow(T0);
        // 200 events per second for 15 s, one every 5 ms
        for (long t = T0; t < T0 + 15_000; t += 5) {
            window.record(t, 1);
        }
        long now = T0 + 15_000;
        assertThat(window.perSecond(now, 1_000)).isCloseTo(200.0, within(0.001));
        assertThat(window.perSecond(now, 10_000)).isCloseTo(200.0, within(0.001));
    }

    @Test
    void theCurrentPartialTickIsLeftOut() {
        RateWindow window = new RateWindow(T0);
        window.record(T0 + 1_050, 1);
        assertThat(window.perSecond(T0 + 1_099, 1_000)).isZero();
        assertThat(window.perSecond(T0 + 1_100, 1_000)).isEqualTo(1.0);
        assertThat(window.perSecond(T0 + 1_100, 10_000)).isEqualTo(0.1);
    }

    @Test
    void eventsAgeOutOfEachWindow() {
        RateWindow window = new RateWindow(T0);
        for (int i = 0; i < 50; i++) {
            window.record(T0 + 500, 1);
        }
        assertThat(window.perSecond(T0 + 1_000, 1_000)).isEqualTo(50.0);
        assertThat(window.perSecond(T0 + 1_600, 1_000)).isZero();
        assertThat(window.perSecond(T0 + 10_500, 10_000)).isEqualTo(5.0);
        assertThat(window.perSecond(T0 + 10_600, 10_000)).isZero();
    }

    @Test
    void slotsReusedOnALaterLapDoNotCountOldEvents() {
        RateWindow window = new RateWindow(T0);
        window.record(T0, 1); // tick 0
        window.record(T0 + 12_800, 1); // tick 128: the same slot, one lap later
        assertThat(window.perSecond(T0 + 12_900, 10_000)).isEqualTo(0.1);
        // and a read long after sees nothing of either
        assertThat(window.perSecond(T0 + 60_000, 10_000)).isZero();
    }

    @Test
    void aRunCountsAsThatManyEventsAndSaturatesInsteadOfSpillingIntoTheTick() {
        RateWindow window = new RateWindow(T0);
        window.record(T0 + 200, 16);
        window.record(T0 + 250, 4);
        assertThat(window.perSecond(T0 + 1_000, 1_000)).isEqualTo(20.0);
        window.record(T0 + 1_200, (1 << 30) - 2); // two below the cell's capacity
        window.record(T0 + 1_210, 5);
        window.record(T0 + 1_220, 5);
        assertThat(window.perSecond(T0 + 1_300, 100)).isEqualTo(((1 << 30) - 1) * 10.0);
        // the tick is intact: the next one starts from zero
        window.record(T0 + 1_300, 3);
        assertThat(window.perSecond(T0 + 1_400, 100)).isEqualTo(30.0);
    }

    @Test
    void aClockBeforeTheStartCountsAtTheStart() {
        RateWindow window = new RateWindow(T0);
        window.record(T0 - 5_000, 1);
        assertThat(window.perSecond(T0 + 100, 1_000)).isEqualTo(1.0);
    }

    @Test
    void concurrentRecordersLoseNothing() throws InterruptedException {
        RateWindow window = new RateWindow(T0);
        Thread[] threads = new Thread[4];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> {
                for (int n = 0; n < 100_000; n++) {
                    window.record(T0 + 200, 1);
                }
            });
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(window.perSecond(T0 + 1_000, 1_000)).isEqualTo(400_000.0);
    }

    @Test
    void eventsFromManyThreadsAllCount() throws InterruptedException {
        RateWindow window = new RateWindow(T0);
        Thread[] threads = new Thread[12]; // more than the stripes: some share one
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> {
                for (int n = 0; n < 10_000; n++) {
                    window.record(T0 + 500, 1);
                }
            });
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(window.perSecond(T0 + 1_000, 1_000)).isEqualTo(120_000.0);
    }
}
