package io.fooproxy.frontend.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RateWindowTest {
    private static final long T0 = 1_700_000_000_000L;

    @Test
    void steadyRateReadsTrueInBothWindows() {
        RateWindow window = new RateWindow(T0);
        // 200 events per second for 15 s, sampled every 100 ms
        for (long t = 100; t <= 15_000; t += 100) {
            window.sample(T0 + t, t / 5);
        }
        assertThat(window.perSecond(1_000)).isCloseTo(200.0, within(1e-9));
        assertThat(window.perSecond(10_000)).isCloseTo(200.0, within(1e-9));
    }

    @Test
    void lateSamplesDoNotBendASteadyRate() {
        RateWindow window = new RateWindow(T0);
        // 1 000 events per second; the sampler runs up to 60 ms late, once 95 ms
        for (int i = 1; i <= 150; i++) {
            long t = i * 100L + (i % 7) * 10 + (i == 120 ? 85 : 0);
            window.sample(T0 + t, t);
        }
        assertThat(window.perSecond(1_000)).isEqualTo(1_000.0);
        assertThat(window.perSecond(10_000)).isEqualTo(1_000.0);
    }

    @Test
    void lessHistoryThanAWindowReadsAsNothingBeforeTheStart() {
        RateWindow window = new RateWindow(T0);
        assertThat(window.perSecond(1_000)).isZero();
        window.sample(T0 + 100, 0);
        window.sample(T0 + 500, 50);
        assertThat(window.perSecond(1_000)).isEqualTo(50.0);
        assertThat(window.perSecond(10_000)).isEqualTo(5.0);
    }

    @Test
    void eventsAgeOutOfEachWindow() {
        RateWindow window = new RateWindow(T0);
        // 50 events between the samples of 400 and 500 ms, then none
        for (long t = 100; t <= 1_400; t += 100) {
            window.sample(T0 + t, t >= 500 ? 50 : 0);
        }
        assertThat(window.perSecond(1_000)).isEqualTo(50.0);
        window.sample(T0 + 1_500, 50);
        assertThat(window.perSecond(1_000)).isZero();
        for (long t = 1_600; t <= 10_400; t += 100) {
            window.sample(T0 + t, 50);
        }
        assertThat(window.perSecond(10_000)).isEqualTo(5.0);
        window.sample(T0 + 10_500, 50);
        assertThat(window.perSecond(10_000)).isZero();
    }

    @Test
    void theRingKeepsTenSecondsAfterManyLaps() {
        RateWindow window = new RateWindow(T0);
        long total = 0;
        for (long t = 100; t <= 60_000; t += 100) {
            total += t <= 50_000 ? 10 : 30; // 100 a second, then 300 a second for the last 10 s
            window.sample(T0 + t, total);
        }
        assertThat(window.perSecond(10_000)).isEqualTo(300.0);
        assertThat(window.perSecond(1_000)).isEqualTo(300.0);
    }

    @Test
    void aStalledSamplerReadsOverTheTimeItsSamplesCover() {
        RateWindow window = new RateWindow(T0);
        for (long t = 100; t <= 2_000; t += 100) {
            window.sample(T0 + t, t / 10); // 100 a second
        }
        window.sample(T0 + 5_000, 200 + 600); // 3 s later: 600 more
        assertThat(window.perSecond(1_000)).isEqualTo(200.0); // over those 3 s, not over 1 s
        assertThat(window.perSecond(10_000)).isEqualTo(80.0); // less history than the window
    }

    @Test
    void samplesInABurstThatCoverLessThanTheWindowReadOverWhatTheyCover() {
        RateWindow window = new RateWindow(T0);
        // every 50 ms (a sampler catching up): the 128 kept cover 6.35 s, at 1 000 a second
        for (long t = 50; t <= 10_000; t += 50) {
            window.sample(T0 + t, t);
        }
        assertThat(window.perSecond(10_000)).isEqualTo(1_000.0);
        assertThat(window.perSecond(1_000)).isEqualTo(1_000.0);
    }

    @Test
    void aClockSteppingBackCountsAtTheNewestSampleTime() {
        RateWindow window = new RateWindow(T0);
        window.sample(T0 + 1_000, 10);
        window.sample(T0 + 400, 30); // the wall clock stepped back: still after the sample before
        assertThat(window.perSecond(1_000)).isEqualTo(30.0);
    }
}
