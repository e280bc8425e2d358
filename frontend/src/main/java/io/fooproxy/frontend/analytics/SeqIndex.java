package io.fooproxy.frontend.analytics;

/**
 * How many entries of a connection's outstanding ring hold each seq (outstanding ones and
 * answered ones not yet dropped), so that an answer's seq is looked up in O(1) once the ring no
 * longer holds consecutive seqs. Open addressing with linear probing over primitive arrays,
 * backward-shift deletion; sized at twice the ring, so it never fills. Single-threaded.
 */
final class SeqIndex {
    private final long[] keys;
    private final int[] live;
    private final int[] total;
    private final int mask;

    /** @param ringCapacity the ring's capacity (a power of two) */
    SeqIndex(int ringCapacity) {
        int capacity = Math.max(4, ringCapacity * 2);
        keys = new long[capacity];
        live = new int[capacity];
        total = new int[capacity];
        mask = capacity - 1;
    }

    /** A new outstanding entry with this seq. */
    void added(long seq) {
        int i = slot(seq);
        keys[i] = seq;
        live[i]++;
        total[i]++;
    }

    /** An outstanding entry with this seq was answered (it stays in the ring as answered). */
    void answered(long seq) {
        int i = slot(seq);
        if (total[i] > 0) {
            live[i]--;
        }
    }

    /** An answered entry with this seq left the ring. */
    void dropped(long seq) {
        int i = slot(seq);
        if (total[i] == 0) {
            return;
        }
        if (--total[i] == 0) {
            delete(i);
        }
    }

    boolean hasOutstanding(long seq) {
        int i = slot(seq);
        return total[i] > 0 && live[i] > 0;
    }

    boolean hasAnswered(long seq) {
        int i = slot(seq);
        return total[i] > live[i];
    }

    /** The slot holding seq, or the empty slot where it would go. */
    private int slot(long seq) {
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
            // move i into the hole unless its home lies cyclically in (hole, i]
            boolean stays = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
            if (!stays) {
                keys[hole] = keys[i];
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
