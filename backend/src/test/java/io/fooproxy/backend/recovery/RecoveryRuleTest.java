package io.fooproxy.backend.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.fooproxy.backend.stats.MovingWindows;
import io.fooproxy.backend.stats.WindowBucket;
import io.fooproxy.backend.stats.WindowRates;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecoveryRuleTest {

    static final long T = 1_700_000_000_000L;

    /**
     * What a backend saved at T after a steady 1 000 REQ/s and 2 000 ACK/s for 10 s, plus one
     * bucket of 50 REQs that a frontend clock 1.5 s ahead of ours timestamped T + 1 500.
     */
    static List<WindowBucket> savedAtT() {
        List<WindowBucket> saved = new ArrayList<>();
        for (long t = T - 10_000; t < T; t++) {
            saved.add(new WindowBucket(t, 1, 2, 0));
        }
        saved.add(new WindowBucket(T + 1_500, 50, 0, 0));
        return saved;
    }

    @ParameterizedTest(name = "restart {0} s after the save")
    @CsvSource({
        // gap s, buckets kept, req 1s, req 10s, resp 1s, resp 10s
        "0,  10001, 1000, 1000, 2000, 2000", // all current; the +1.5 s bucket not yet due
        "3,   7001,    0,  705,    0, 1400", // [T-7000, T) and the +1.5 s bucket
        "9,   1001,    0,  105,    0,  200", // [T-1000, T) and the +1.5 s bucket
        "10,     0,    0,    0,    0,    0", // saved 10 s ago: nothing, not even the +1.5 s one
        "11,     0,    0,    0,    0,    0",
    })
    void restoresOnlyThePartOfEachWindowStillCurrent(
            long gapSeconds, int kept, double req1, double req10, double resp1, double resp10) {
        long now = T + gapSeconds * 1_000;
        List<WindowBucket> restored = RecoveryRule.restorableBuckets(T, savedAtT(), now);
        assertThat(restored).hasSize(kept);

        MovingWindows windows = new MovingWindows();
        for (WindowBucket b : restored) {
            assertThat(windows.add(b.startUnixMillis(), b.requests(), b.acks(), b.naks(), now))
                    .isTrue();
        }
        WindowRates r = windows.rates(now, now);
        assertThat(r.requestRate1s()).isEqualTo(req1);
        assertThat(r.requestRate10s()).isEqualTo(req10);
        assertThat(r.responseRate1s()).isEqualTo(resp1);
        assertThat(r.responseRate10s()).isEqualTo(resp10);
    }

    @Test
    void justUnder10sStillRestoresWhatIsCurrent() {
        List<WindowBucket> saved = List.of(new WindowBucket(T - 1, 1, 0, 0),
                new WindowBucket(T + 1_000, 2, 0, 0));
        assertThat(RecoveryRule.restorableBuckets(T, saved, T + 9_999))
                .containsExactly(saved.get(0), saved.get(1));
        assertThat(RecoveryRule.restorableBuckets(T, saved, T + 10_000)).isEmpty();
    }

    @Test
    void aClockThatWentBackRestoresWhatIsNotTooOld() {
        List<WindowBucket> saved = List.of(new WindowBucket(T - 9_000, 1, 0, 0),
                new WindowBucket(T - 1, 2, 0, 0));
        assertThat(RecoveryRule.restorableBuckets(T, saved, T - 2_000))
                .containsExactly(saved.get(0), saved.get(1));
    }

    @Test
    void anAbsurdSaveTimeRestoresNothing() {
        List<WindowBucket> saved = List.of(new WindowBucket(T - 1, 1, 0, 0));
        assertThat(RecoveryRule.restorableBuckets(Long.MIN_VALUE, saved, T)).isEmpty();
    }
}
