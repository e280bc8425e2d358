package io.fooproxy.frontend.analytics;

/**
 * Where each seq sits in a connection's outstanding ring, once the ring no longer holds
 * consecutive seqs: for each seq, the ring slot of its oldest outstanding entry (a REQ seq may
 * repeat; newer entries with the same seq are chained through {@code nextSame}) and how many
 * entries hold it, answered ones included. So an answer finds its REQ in O(1) whatever the seqs
 * and the answer order. Open addressing with linear probing over primitive arrays, backward-shift
 * deletion, sized at twice the ring so it never fills. Slots are ring positions: rebuild after
 * the ring moves its entries. Single-threaded.
 */
final class SeqIndex {
    private static final int NONE = -1;

    private final long[] keys;
    private final int[] first;
    private final int[] last;
    private final int[] live;
    private final int[] total;
    private final int[] nextSame;
    private final int mask;
    private final int ringCapacity;

    /** @param ringCapacity the ring's capacity (a power of two) */
    SeqIndex(int ringCapacity) {
        this.ringCapacity = ringCapacity;
        int capacity = Math.max(4, ringCapacity * 2);
        keys = new long[capacity];
        first = new int[capacity];
        last = new int[capacity];
        live = new int[capacity];
        total = new int[capacity];
        nextSame = new int[ringCapacity];
        mask = capacity - 1;
    }

    /** The ring capacity this index was sized for. */
    int ringCapacity() {
        return ringCapacity;
    }

    /** Forgets every seq, for reuse with a ring of the same capacity. */
    void clear() {
        java.util.Arrays.fill(total, 0);
        java.util.Arrays.fill(live, 0);
    }

    /** A new outstanding entry with this seq at ring slot {@code slot} (the newest one). */
    void added(long seq, int slot) {
        int i = find(seq);
        if (total[i] == 0) {
            keys[i] = seq;
            first[i] = NONE;
            last[i] = NONE;
        }
        nextSame[slot] = NONE;
        if (first[i] == NONE) {
            first[i] = slot;
        } else {
            nextSame[last[i]] = slot;
        }
        last[i] = slot;
        live[i]++;
        total[i]++;
    }

    /** An answered entry that is still in the ring (rebuilding): counts for duplicates only. */
    void addedAnswered(long seq) {
        int i = find(seq);
        if (total[i] == 0) {
            keys[i] = seq;
            first[i] = NONE;
            last[i] = NONE;
        }
        total[i]++;
    }

    /** The ring slot of the oldest outstanding entry with this seq, or -1. */
    int oldestOutstanding(long seq) {
        int i = find(seq);
        return total[i] == 0 ? NONE : first[i];
    }

    /** The oldest outstanding entry with this seq (at {@link #oldestOutstanding}) was answered. */
    void answered(long seq) {
        int i = find(seq);
        if (total[i] == 0 || first[i] == NONE) {
            return;
        }
        int next = nextSame[first[i]];
        first[i] = next;
        if (next == NONE) {
            last[i] = NONE;
        }
        live[i]--;
    }

    /** An answered entry with this seq left the ring. */
    void dropped(long seq) {
        int i = find(seq);
        if (total[i] == 0) {
            return;
        }
        if (--total[i] == 0) {
            delete(i);
        }
    }

    boolean hasAnswered(long seq) {
        int i = find(seq);
        return total[i] > live[i];
    }

    /** The table slot holding seq, or the empty one where it would go. */
    private int find(long seq) {
        int i = hash(seq) & mask;
        while (total[i] != 0 && keys[i] != seq) {
            i = (i + 1) & mask;
        }
        return i;
    }

    /** Linear-probing deletion: moves later entries of the cluster back so lookups still find them. */
    private void delete(int hole) {
        live[hole] = 0;
        int i = hole;
        while (true) {
            i = (i + 1) & mask;
            if (total[i] == 0) {
                return;
            }
            int home = hash(keys[i]) & mask;
            // i stays unless the hole lies cyclically between its home and i
            boolean stays = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
            if (!stays) {
                keys[hole] = keys[i];
                first[hole] = first[i];
                last[hole] = last[i];
                live[hole] = live[i];
                total[hole] = total[i];
                total[i] = 0;
                live[i] = 0;
                hole = i;
            }
        }
    }

    private static int hash(long seq) {
        long h = seq * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
