package io.fooproxy.backend.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class WindowColumnsTest {
    private static final List<WindowBucket> BUCKETS = List.of(
            new WindowBucket(1_000, 5, 4, 1),
            new WindowBucket(1_001, 0, 2, 0),
            new WindowBucket(1_003, -1L, Long.MAX_VALUE, 7), // unsigned counts travel as they are
            new WindowBucket(1_010, 9, 8, 0));

    @Test
    void readsAsTheListOfBucketsItWasMadeFrom() {
        WindowColumns columns = WindowColumns.of(BUCKETS);

        assertThat(columns).isEqualTo(BUCKETS).hasSameHashCodeAs(BUCKETS);
        assertThat(columns.get(2)).isEqualTo(new WindowBucket(1_003, -1L, Long.MAX_VALUE, 7));
        assertThat(columns.start(3)).isEqualTo(1_010);
        assertThat(columns.requests(0)).isEqualTo(5);
        assertThat(columns.acks(1)).isEqualTo(2);
        assertThat(columns.naks(2)).isEqualTo(7);
        assertThat(WindowColumns.of(columns)).as("already columns: not copied again").isSameAs(columns);
        assertThat(WindowColumns.of(List.of())).isEmpty();
    }

    @Test
    void cannotBeChanged() {
        WindowColumns columns = WindowColumns.of(BUCKETS);

        assertThatThrownBy(() -> columns.add(new WindowBucket(2_000, 1, 1, 1)))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> columns.set(0, new WindowBucket(2_000, 1, 1, 1)))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> columns.remove(0)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new WindowColumns(new long[2], new long[2], new long[1], new long[2]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRangeIsACopyThatEqualsExactlyThoseBuckets() {
        WindowColumns columns = WindowColumns.of(BUCKETS);
        WindowColumns middle = columns.range(1, 3);

        assertThat(middle).containsExactly(BUCKETS.get(1), BUCKETS.get(2));
        assertThat(columns.rangeEquals(1, 3, middle)).isTrue();
        assertThat(columns.rangeEquals(0, 2, middle)).as("other buckets").isFalse();
        assertThat(columns.rangeEquals(1, 4, middle)).as("one more").isFalse();
        assertThat(columns.rangeEquals(1, 2, middle)).as("one less").isFalse();
        assertThat(columns.rangeEquals(2, 2, WindowColumns.of(List.of()))).isTrue();
    }

    @Test
    void aDifferenceInAnyColumnMakesARangeDiffer() {
        WindowColumns columns = WindowColumns.of(BUCKETS);
        List<List<WindowBucket>> changed = List.of(
                List.of(new WindowBucket(1_002, 0, 2, 0)),
                List.of(new WindowBucket(1_001, 1, 2, 0)),
                List.of(new WindowBucket(1_001, 0, 3, 0)),
                List.of(new WindowBucket(1_001, 0, 2, 1)));

        assertThat(columns.rangeEquals(1, 2, WindowColumns.of(List.of(BUCKETS.get(1))))).isTrue();
        for (List<WindowBucket> other : changed) {
            assertThat(columns.rangeEquals(1, 2, WindowColumns.of(other))).as("%s", other).isFalse();
        }
    }
}
