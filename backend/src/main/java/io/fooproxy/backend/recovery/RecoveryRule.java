package io.fooproxy.backend.recovery;

import static java.util.Objects.requireNonNull;

import io.fooproxy.backend.stats.FrontendFigures;
import io.fooproxy.backend.stats.MovingWindows;
import io.fooproxy.backend.stats.WindowBucket;
import io.fooproxy.proto.recovery.v1.AnalyticsRecord;
import io.fooproxy.proto.recovery.v1.WindowSlice;
import java.util.ArrayList;
import java.util.List;

/**
 * The recovery rule of DESIGN.md, as a pure function.
 *
 * <p>Totals always survive a restart (they are restored as saved; nothing here touches them).
 * Window data saved less than 10 s before now is restored for the part of each window that is
 * still current: the buckets whose timestamp is at or after {@code now - 10 000 ms} are kept (the
 * 1 s window then naturally sees only its last second, and since no frontend is connected yet the
 * windows end at now). If {@code now - savedAt >= 10 s} nothing windowed is restored, even a
 * bucket that a frontend clock ahead of ours timestamped after the save.
 */
public final class RecoveryRule {

    public static final long WINDOW_MILLIS = MovingWindows.LONG_WINDOW_MILLIS;

    private RecoveryRule() {}

    /**
     * The saved window buckets that still count at {@code nowUnixMillis}, in their saved order.
     */
    public static List<WindowBucket> restorableBuckets(
            long savedAtUnixMillis, List<WindowBucket> saved, long nowUnixMillis) {
        requireNonNull(saved, "saved");
        // savedAt <= now - 10 s, written so that an absurd savedAt cannot overflow
        if (savedAtUnixMillis <= nowUnixMillis - WINDOW_MILLIS) {
            return List.of();
        }
        long oldest = nowUnixMillis - WINDOW_MILLIS;
        List<WindowBucket> kept = new ArrayList<>(saved.size());
        for (WindowBucket b : saved) {
            if (b.startUnixMillis() >= oldest) {
                kept.add(b);
            }
        }
        return kept;
    }

    /**
     * The figures with only the analytics window slices (100 ms, latency and answers) that still
     * count at {@code nowUnixMillis}, by the same rule as the buckets: none if saved 10 s or more
     * ago, else those starting at or after {@code now - 10 000 ms}.
     */
    public static List<FrontendFigures> restorableSlices(
            long savedAtUnixMillis, List<FrontendFigures> saved, long nowUnixMillis) {
        requireNonNull(saved, "saved");
        boolean fresh = savedAtUnixMillis > nowUnixMillis - WINDOW_MILLIS;
        long oldest = nowUnixMillis - WINDOW_MILLIS;
        List<FrontendFigures> out = new ArrayList<>(saved.size());
        for (FrontendFigures f : saved) {
            AnalyticsRecord a = f.analytics();
            if (a.getWindowCount() == 0) {
                out.add(f);
                continue;
            }
            AnalyticsRecord.Builder kept = a.toBuilder().clearWindow();
            if (fresh) {
                for (WindowSlice s : a.getWindowList()) {
                    if (s.getStartUnixMillis() >= oldest) {
                        kept.addWindow(s);
                    }
                }
            }
            out.add(new FrontendFigures(f.frontendId(), f.totals(), f.incarnation(), f.lastAppliedSequence(),
                    f.batchesApplied(), f.batchesDuplicate(), f.lastSeenUnixMillis(), f.lastState(), kept.build()));
        }
        return out;
    }
}
