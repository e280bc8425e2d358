package io.fooproxy.backend.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class MovingWindowsTest {

    private static final long T = 1_700_000_000_000L;

    private final MovingWindows w = new MovingWindows();

    /** {@code perMs} REQs and as many responses (half ACK, half NAK) in every ms of [from, to). */
    private void steady(long from, long to, long perMs, long now) {
        for (long t = from; t < to; t++) {
            assertThat(w.add(t, perMs, perMs / 2, perMs - perMs / 2, now)).isTrue();
        }
    }

    @Test
    void steadyLoadReadsItsRateInBothWindows() {
        // 2 000 msg/s for 12 s, added as time goes by (so the oldest 2 s fall out)
        for (long t = T - 12_000; t < T; t++) {
            assertThat(w.add(t, 2, 1, 1, t)).isTrue();
        }
        WindowRates r = w.rates(T, T);
        assertThat(r.requestRate1s()).isEqualTo(2000.0);
        assertThat(r.requestRate10s()).isEqualTo(2000.0);
        assertThat(r.responseRate1s()).isEqualTo(2000.0);
        assertThat(r.responseRate10s()).isEqualTo(2000.0);
        assertThat(r.windowEndUnixMillis()).isEqualTo(T);
    }

    @Test
    void uneven1msBucketsStillAverageToTheRate() {
        // 2 500 msg/s as 2, 3, 2, 3 ... per ms
        for (long t = T - 10_000; t < T; t++) {
            w.add(t, (t & 1) == 0 ? 2 : 3, 0, 0, T);
        }
        WindowRates r = w.rates(T, T);
        assertThat(r.requestRate1s()).isEqualTo(2500.0);
        assertThat(r.requestRate10s()).isEqualTo(2500.0);
    }

    @Test
    void windowEdgesIncludeTheStartAndExcludeTheEnd() {
        long e = T;
        w.add(e - 1_000, 1, 0, 0, T); // first ms of the 1 s window
        w.add(e - 1_001, 10, 0, 0, T); // just before it: 10 s window only
        w.add(e - 10_000, 100, 0, 0, T); // first ms of the 10 s window
        w.add(e - 10_001, 1000, 0, 0, T); // just before it (retained, counts in neither)
        w.add(e, 10_000, 0, 0, T); // the end itself is excluded
        WindowRates r = w.rates(e, T);
        assertThat(r.requestRate1s()).isEqualTo(1.0);
        assertThat(r.requestRate10s()).isEqualTo((1 + 10 + 100) / 10.0);
    }

    @Test
    void aBurstCountsInBothWindowsAndThenAgesOut() {
        w.add(T - 1, 5_000, 3_000, 2_000, T);
        WindowRates now = w.rates(T, T);
        assertThat(now.requestRate1s()).isEqualTo(5000.0);
        assertThat(now.requestRate10s()).isEqualTo(500.0);
        assertThat(now.responseRate1s()).isEqualTo(5000.0);
        assertThat(now.responseRate10s()).isEqualTo(500.0);

        WindowRates later = w.rates(T + 1_000, T + 1_000);
        assertThat(later.requestRate1s()).isZero();
        assertThat(later.requestRate10s()).isEqualTo(500.0);

        assertThat(w.rates(T + 9_999, T + 9_999).requestRate10s()).isEqualTo(500.0);
        assertThat(w.rates(T + 10_000, T + 10_000).requestRate10s()).isZero();
    }

    @Test
    void anIdleGapLowersThe10sWindowInProportion() {
        steady(T - 10_000, T - 3_000, 4, T - 3_000);
        WindowRates r = w.rates(T, T);
        assertThat(r.requestRate1s()).isZero();
        assertThat(r.requestRate10s()).isEqualTo(4000.0 * 7 / 10);
    }

    @Test
    void bucketsOlderThanTheRetainedSpanAreNotWindowed() {
        long oldest = T - MovingWindows.LONG_WINDOW_MILLIS - MovingWindows.HOLD_BACK_MILLIS;
        assertThat(w.add(oldest - 1, 1, 1, 1, T)).isFalse();
        assertThat(w.add(oldest, 1, 0, 0, T)).isTrue();
        // kept for a held-back window end, but with the end at now it is older than 10 s
        assertThat(w.rates(T, T).requestRate10s()).isZero();
        assertThat(w.buckets(T)).isEmpty();
    }

    @Test
    void aHeldBackEndStillSeesTheWhole10Seconds() {
        steady(T - 12_000, T, 1, T);
        WindowRates r = w.rates(T - 1_500, T);
        assertThat(r.windowEndUnixMillis()).isEqualTo(T - 1_500);
        assertThat(r.requestRate1s()).isEqualTo(1000.0);
        assertThat(r.requestRate10s()).isEqualTo(1000.0);
    }

    @Test
    void theEndIsNeverAfterNow() {
        w.add(T + 500, 7, 0, 0, T);
        WindowRates r = w.rates(T + 1_000, T);
        assertThat(r.windowEndUnixMillis()).isEqualTo(T);
        assertThat(r.requestRate1s()).isZero();
    }

    @Test
    void slightlyFutureBucketsCountOnceTimeReachesThem() {
        assertThat(w.add(T + MovingWindows.MAX_FUTURE_MILLIS, 3, 0, 0, T)).isTrue();
        assertThat(w.add(T + MovingWindows.MAX_FUTURE_MILLIS + 1, 100, 0, 0, T)).isFalse();
        assertThat(w.rates(T, T).requestRate1s()).isZero();
        long later = T + MovingWindows.MAX_FUTURE_MILLIS + 1;
        assertThat(w.rates(later, later).requestRate1s()).isEqualTo(3.0);
    }

    @Test
    void slotsAreReusedWithoutMixingOldAndNew() {
        w.add(T, 5, 0, 0, T);
        long much = T + MovingWindows.SLOTS; // same slot
        w.add(much, 1, 0, 0, much);
        WindowRates r = w.rates(much + 1, much + 1);
        assertThat(r.requestRate1s()).isEqualTo(1.0);
        assertThat(r.requestRate10s()).isEqualTo(0.1);
    }

    @Test
    void afterTheClockStepsBackAStaleFutureSlotIsReused() {
        long ahead = T + 1_000;
        w.add(ahead, 5, 0, 0, T);
        long stepped = T - 6_000; // the wall clock stepped back 6 s
        long sameSlot = ahead - MovingWindows.SLOTS;
        assertThat(w.add(sameSlot, 9, 0, 0, stepped)).isTrue();
        assertThat(w.rates(sameSlot + 1, stepped).requestRate1s()).isEqualTo(9.0);
        assertThat(w.rates(ahead + 1, ahead + 1).requestRate1s()).isZero();
    }

    @Test
    void absurdCountsSaturateInsteadOfWrapping() {
        w.add(T - 1, -1L, -1L, -1L, T); // uint64 max
        w.add(T - 2, 5, 5, 5, T);
        WindowRates r = w.rates(T, T);
        assertThat(r.requestRate1s()).isCloseTo(1.8446744073709552E19, within(1e5));
        assertThat(r.responseRate1s()).isPositive();
    }

    @Test
    void bucketsExportsTheLast10SecondsOldestFirst() {
        w.add(T - 10_001, 1, 0, 0, T);
        w.add(T - 10_000, 2, 0, 0, T);
        w.add(T - 5, 0, 3, 0, T);
        w.add(T - 4, 0, 0, 0, T); // empty: not exported
        w.add(T + 100, 0, 0, 4, T);
        List<WindowBucket> b = w.buckets(T);
        assertThat(b).containsExactly(
                new WindowBucket(T - 10_000, 2, 0, 0),
                new WindowBucket(T - 5, 0, 3, 0),
                new WindowBucket(T + 100, 0, 0, 4));
    }

    @Test
    void clearForgetsEverything() {
        steady(T - 100, T, 1, T);
        w.clear();
        assertThat(w.rates(T, T).requestRate10s()).isZero();
        assertThat(w.buckets(T)).isEmpty();
    }
}
