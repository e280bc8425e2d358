package io.fooproxy.backend.recovery;

import static java.util.Objects.requireNonNull;

import io.fooproxy.backend.stats.MovingWindows;
import io.fooproxy.backend.stats.WindowBucket;
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
}
