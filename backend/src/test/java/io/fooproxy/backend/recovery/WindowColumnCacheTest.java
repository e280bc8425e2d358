package io.fooproxy.backend.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fooproxy.backend.stats.AggregatorState;
import io.fooproxy.backend.stats.WindowBucket;
import io.fooproxy.proto.telemetry.v1.Counters;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WindowColumnCacheTest {

    /** Just before a base step, so that sliding windows cross one. */
    static final long T = 1_700_000_000_000L / WindowColumnCache.BASE_ALIGNMENT_MILLIS
            * WindowColumnCache.BASE_ALIGNMENT_MILLIS - 5_000;

    private static AggregatorState state(long now, List<WindowBucket> window) {
        return new AggregatorState(1, now, Counters.newBuilder().setRequests(1).build(), List.of(),
                window);
    }

    /** What JsonFormat prints for the same snapshot: the file must never differ from it. */
    private static String printed(AggregatorState s) {
        return RecoveryFileFormat.print(RecoveryFileFormat.toProto(s)) + "\n";
    }

    private static String encoded(AggregatorState s, WindowColumnCache cache) {
        return new String(RecoveryFileFormat.encode(s, cache), StandardCharsets.UTF_8);
    }

    /** Every millisecond of the last 10 s holds a bucket whose counts depend on {@code seed}. */
    private static List<WindowBucket> fullWindow(long now, long seed) {
        List<WindowBucket> window = new ArrayList<>();
        for (long t = now - 10_000; t < now; t++) {
            window.add(new WindowBucket(t, (t ^ seed) & 7, t & 3, seed & 1));
        }
        return window;
    }

    @Test
    void aSlidingChangingWindowIsAlwaysWhatJsonFormatWouldPrint() {
        WindowColumnCache cache = new WindowColumnCache();
        Random random = new Random(42);
        List<WindowBucket> window = new ArrayList<>();
        long now = T;
        // 40 writes 250 ms apart cross a base step (T + 5 000); each changes a few buckets
        // anywhere, drops some, adds some, and sometimes goes the full unsigned range
        for (int write = 0; write < 40; write++) {
            now += 250;
            long oldest = now - 10_000;
            window.removeIf(b -> b.startUnixMillis() < oldest || random.nextInt(50) == 0);
            for (int i = 0; i < 5; i++) {
                long t = now - 1 - random.nextInt(10_000);
                long big = random.nextBoolean() ? -1L : Long.MAX_VALUE;
                put(window, new WindowBucket(t, random.nextInt(3) == 0 ? big : 1, 2, 3));
            }
            for (long t = now - 250; t < now; t += 1 + random.nextInt(3)) {
                put(window, new WindowBucket(t, 1 + random.nextInt(100), random.nextInt(9), 0));
            }
            AggregatorState s = state(now, List.copyOf(window));
            assertThat(encoded(s, cache)).as("write %d", write).isEqualTo(printed(s));
        }
    }

    private static void put(List<WindowBucket> window, WindowBucket bucket) {
        window.removeIf(b -> b.startUnixMillis() == bucket.startUnixMillis());
        window.add(bucket);
        window.sort((a, b) -> Long.compare(a.startUnixMillis(), b.startUnixMillis()));
    }

    @Test
    void onlyChunksWhoseBucketsChangedArePrintedAgain() {
        WindowColumnCache cache = new WindowColumnCache();
        List<WindowBucket> window = fullWindow(T, 1);
        encoded(state(T, window), cache);
        long first = cache.chunksPrinted();
        assertThat(first).isBetween(10L, 11L); // 10 000 ms in 1 024 ms chunks

        assertThat(encoded(state(T, window), cache)).isEqualTo(printed(state(T, window)));
        assertThat(cache.chunksPrinted()).isEqualTo(first);

        List<WindowBucket> changed = new ArrayList<>(window);
        WindowBucket last = changed.get(changed.size() - 1);
        changed.set(changed.size() - 1, new WindowBucket(last.startUnixMillis(),
                last.requests() + 1, last.acks(), last.naks()));
        assertThat(encoded(state(T, changed), cache)).isEqualTo(printed(state(T, changed)));
        assertThat(cache.chunksPrinted()).isEqualTo(first + 1);

        // a bucket gone from an old chunk is a change too
        changed.remove(0);
        assertThat(encoded(state(T, changed), cache)).isEqualTo(printed(state(T, changed)));
        assertThat(cache.chunksPrinted()).isEqualTo(first + 2);
    }

    @Test
    void aMovedBasePrintsEveryChunkAgain() {
        WindowColumnCache cache = new WindowColumnCache();
        long now = T + 5_000 + 4_000; // the base steps 5 s after T, inside this window
        List<WindowBucket> window = fullWindow(now, 3);
        encoded(state(now, window), cache);
        long first = cache.chunksPrinted();
        List<WindowBucket> later = window.subList(6_000, window.size()); // starts past the step
        assertThat(WindowColumnCache.base(later)).isGreaterThan(WindowColumnCache.base(window));
        assertThat(encoded(state(now, later), cache)).isEqualTo(printed(state(now, later)));
        assertThat(cache.chunksPrinted() - first).isBetween(4L, 5L);
    }

    @Test
    void aWindowWiderThanTheKeptChunksIsStillPrintedWhole() {
        WindowColumnCache cache = new WindowColumnCache();
        List<WindowBucket> window = new ArrayList<>();
        for (long t = T - 40_000; t < T; t += 3) {
            window.add(new WindowBucket(t, t & 15, 1, 0));
        }
        AggregatorState s = state(T, window);
        assertThat(encoded(s, cache)).isEqualTo(printed(s));
        assertThat(encoded(s, cache)).isEqualTo(printed(s));
    }

    @Test
    void bucketsOutOfOrderOrBeyondAUint32OffsetAreRefused() {
        WindowColumnCache cache = new WindowColumnCache();
        assertThatThrownBy(() -> encoded(state(T, List.of(new WindowBucket(T, 1, 0, 0),
                new WindowBucket(T - 1, 1, 0, 0))), cache))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> encoded(state(T, List.of(new WindowBucket(T, 1, 0, 0),
                new WindowBucket(T, 2, 0, 0))), cache))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> encoded(state(T, List.of(new WindowBucket(T, 1, 0, 0),
                new WindowBucket(T + (1L << 32), 1, 0, 0))), cache))
                .isInstanceOf(IllegalStateException.class);
    }
}
