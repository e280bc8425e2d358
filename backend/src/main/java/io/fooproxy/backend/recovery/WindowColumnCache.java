package io.fooproxy.backend.recovery;

import static java.util.Objects.requireNonNull;

import io.fooproxy.backend.stats.WindowBucket;
import io.fooproxy.backend.stats.WindowColumns;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;

/**
 * The recovery file's window (its {@code WindowBuckets} as JSON), rendered one chunk of about a
 * second at a time, each chunk's text kept from one write to the next while its buckets stay the
 * same. Not thread-safe: the persister owns one.
 *
 * <p>Why: the window is nearly all of the file (up to ten thousand buckets of four numbers), and
 * printing it was the largest part of a write. Under steady traffic only the newest of its ten
 * seconds changes between two writes 250 ms apart. A chunk is printed again whenever one of its
 * buckets differs from those its text was printed from; comparing is far cheaper than printing,
 * and the file is byte for byte what printing everything afresh gives.
 *
 * <p>Offsets are relative to the base, so a moving base would change every chunk's text. The base
 * is therefore the first bucket's start rounded down to a multiple of {@value
 * #BASE_ALIGNMENT_MILLIS} ms: it moves once a minute, and then every chunk is printed again.
 */
final class WindowColumnCache {

    /** The base's step: the offsets, all under 2^17 ms, stay short. */
    static final long BASE_ALIGNMENT_MILLIS = 1L << 16;
    static final int CHUNK_MILLIS = 1024;
    /** Chunks kept: the retained 12 s span touches at most 13. */
    private static final int SLOTS = 16;
    private static final byte[][] COLUMN_OPENERS = {ascii("\"offset_millis\":["),
            ascii("],\"requests\":["), ascii("],\"acks\":["), ascii("],\"naks\":[")};

    private final Chunk[] slots = new Chunk[SLOTS];
    private final StringBuilder scratch = new StringBuilder(CHUNK_MILLIS * 8);
    /** One per call: tells a slot used earlier in the same call from a leftover. */
    private long call;
    private long chunksPrinted;

    /** The base the file gives {@code window}'s offsets: see the class comment. */
    static long base(List<WindowBucket> window) {
        return base(window.get(0).startUnixMillis());
    }

    private static long base(long firstStart) {
        return Math.floorDiv(firstStart, BASE_ALIGNMENT_MILLIS) * BASE_ALIGNMENT_MILLIS;
    }

    /**
     * {@code before}, the window's JSON object, then {@code after}, in one array.
     *
     * @param buckets non-empty, ascending, within 2^32 ms of its {@link #base}
     * @throws IllegalStateException if the buckets are out of order
     */
    byte[] render(byte[] before, List<WindowBucket> buckets, byte[] after) {
        requireNonNull(before, "before");
        requireNonNull(after, "after");
        WindowColumns window = WindowColumns.of(buckets);
        if (window.isEmpty()) {
            throw new IllegalArgumentException("an empty window is left out of the file");
        }
        call++;
        long base = base(window.start(0));
        List<Chunk> chunks = new ArrayList<>(SLOTS);
        for (int from = 0; from < window.size(); ) {
            long index = Math.floorDiv(window.start(from), CHUNK_MILLIS);
            int to = from + 1;
            while (to < window.size() && Math.floorDiv(window.start(to), CHUNK_MILLIS) == index) {
                to++;
            }
            if (!ascendingWithinReach(window, base, from, to)) {
                throw new IllegalStateException("window buckets not ascending within 2^32 ms");
            }
            chunks.add(chunk(index, base, window, from, to));
            from = to;
        }
        byte[] open = ascii(base == 0 ? "{" : "{\"base_unix_millis\":\"" + base + "\",");
        int length = before.length + open.length + after.length + 2; // "]}"
        for (int c = 0; c < COLUMN_OPENERS.length; c++) {
            length += COLUMN_OPENERS[c].length + chunks.size() - 1;
            for (Chunk chunk : chunks) {
                length += chunk.text[c].length;
            }
        }
        byte[] out = new byte[length];
        int at = put(out, 0, before);
        at = put(out, at, open);
        for (int c = 0; c < COLUMN_OPENERS.length; c++) {
            at = put(out, at, COLUMN_OPENERS[c]);
            for (int i = 0; i < chunks.size(); i++) {
                if (i > 0) {
                    out[at++] = ',';
                }
                at = put(out, at, chunks.get(i).text[c]);
            }
        }
        out[at++] = ']';
        out[at++] = '}';
        put(out, at, after);
        return out;
    }

    /** How many chunks were printed rather than taken as kept (for tests). */
    long chunksPrinted() {
        return chunksPrinted;
    }

    /**
     * Whether buckets {@code [from, to)} ascend, after the one before {@code from}, with offsets
     * that fit a uint32.
     */
    private static boolean ascendingWithinReach(WindowColumns window, long base, int from, int to) {
        for (int i = Math.max(from, 1); i < to; i++) {
            if (window.start(i) <= window.start(i - 1)) {
                return false;
            }
        }
        return window.start(to - 1) - base <= 0xFFFF_FFFFL;
    }

    /** The kept chunk for buckets {@code [from, to)}, printed again if they are not its own. */
    private Chunk chunk(long index, long base, WindowColumns window, int from, int to) {
        int slot = (int) Math.floorMod(index, (long) SLOTS);
        Chunk kept = slots[slot];
        if (kept != null && kept.holds(index, base, window, from, to)) {
            kept.call = call;
            return kept;
        }
        Chunk chunk = new Chunk(index, base, window.range(from, to), scratch);
        chunk.call = call;
        chunksPrinted++;
        // a slot this call has used already (a window wider than the slots) keeps its chunk
        if (kept == null || kept.call != call) {
            slots[slot] = chunk;
        }
        return chunk;
    }

    private static int put(byte[] out, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, out, at, bytes.length);
        return at + bytes.length;
    }

    /** One chunk's buckets, as printed, and the text of its part of each column. */
    private static final class Chunk {
        final long index;
        final long base;
        final WindowColumns buckets;
        /** The chunk's part of offset_millis, requests, acks and naks, comma-separated. */
        final byte[][] text;
        /** The last {@link #render} call that used this chunk. */
        long call;

        /** Prints {@code buckets}, which it keeps. */
        Chunk(long index, long base, WindowColumns buckets, StringBuilder scratch) {
            this.index = index;
            this.base = base;
            this.buckets = buckets;
            int n = buckets.size();
            scratch.setLength(0);
            for (int i = 0; i < n; i++) {
                scratch.append(i == 0 ? "" : ",").append(buckets.start(i) - base);
            }
            text = new byte[][] {ascii(scratch), quoted(n, buckets::requests, scratch),
                    quoted(n, buckets::acks, scratch), quoted(n, buckets::naks, scratch)};
        }

        /** Whether buckets {@code [from, to)} of {@code window} are exactly this chunk's. */
        boolean holds(long index, long base, WindowColumns window, int from, int to) {
            return this.index == index && this.base == base && window.rangeEquals(from, to, buckets);
        }

        /** A uint64 column part, quoted as protobuf's JSON mapping quotes 64-bit integers. */
        private static byte[] quoted(int n, IntToLongFunction column, StringBuilder scratch) {
            scratch.setLength(0);
            for (int i = 0; i < n; i++) {
                long v = column.applyAsLong(i);
                scratch.append(i == 0 ? "\"" : ",\"");
                if (v >= 0) {
                    scratch.append(v);
                } else {
                    scratch.append(Long.toUnsignedString(v));
                }
                scratch.append('"');
            }
            return ascii(scratch);
        }
    }

    private static byte[] ascii(CharSequence text) {
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
