package io.fooproxy.frontend.analytics;

import static io.fooproxy.frontend.analytics.ProtocolCounter.ANSWERS_FROM_CLIENT;
import static io.fooproxy.frontend.analytics.ProtocolCounter.DUPLICATE_ANSWERS;
import static io.fooproxy.frontend.analytics.ProtocolCounter.MATCHED_ANSWERS;
import static io.fooproxy.frontend.analytics.ProtocolCounter.NON_SEQUENTIAL_REQUESTS;
import static io.fooproxy.frontend.analytics.ProtocolCounter.OUTSTANDING_OVERFLOW;
import static io.fooproxy.frontend.analytics.ProtocolCounter.OUT_OF_ORDER_ANSWERS;
import static io.fooproxy.frontend.analytics.ProtocolCounter.REQUESTS_FROM_SERVER;
import static io.fooproxy.frontend.analytics.ProtocolCounter.UNANSWERED_REQUESTS;
import static io.fooproxy.frontend.analytics.ProtocolCounter.UNKNOWN_SEQ_ANSWERS;
import static io.fooproxy.frontend.analytics.ProtocolCounter.UNTRACKED_ANSWERS;

import io.fooproxy.frontend.sniff.Direction;
import io.fooproxy.frontend.sniff.MessageType;
import java.net.InetAddress;

/**
 * Follows the protocol on one client connection: matches each ACK/NAK to its outstanding REQ by
 * seq, records the service time, and counts every violation once (see {@code ProtocolCounters}
 * in telemetry.proto for the definitions). Both sniffers of the connection report to it, on the
 * connection's event loop, so it needs no locks.
 *
 * <h2>Outstanding table</h2>
 * REQs awaiting their answer, in the order they passed: a ring of two primitive arrays (seq and
 * the {@code nanoTime} the REQ passed), allocated at the first REQ (8 entries) and doubled as
 * needed: up to the power of two above {@code maxOutstanding} for outstanding entries, and twice
 * that when answers out of order leave answered entries behind the oldest outstanding one (a
 * full ring is then compacted in place, which frees at least half of it). While the REQs in it have consecutive seqs (the
 * normal case) an answer is found at {@code head + (seq - seq[head])}, in O(1), whatever the
 * answer order. Once they are not (a client that jumps or repeats seqs), a {@link SeqIndex} built
 * then gives the slot of the oldest outstanding REQ with a seq, and whether one was answered, in
 * O(1) too: no answer ever scans the table, whatever the client and server do. An
 * answer that is not at the head leaves a tombstone that keeps its seq (so a second answer to it
 * is known as a duplicate) until the head passes it. An idle connection holds no table at all,
 * and a large one is dropped once it is empty.
 *
 * <h2>Which violation</h2>
 * An answer with no outstanding REQ is: {@code untracked} once the table has overflowed (its REQ
 * may not have been tracked); else {@code duplicate} if its seq is known to have been requested
 * (a tombstone, or a seq within the current run of consecutive REQ seqs, which is 1..n on a
 * well-behaved connection, or within one of the last eight runs before it); else {@code
 * unknown_seq}. Bounded memory makes this exact unless a connection jumps seqs more than eight
 * times: a second answer to a seq of an older run then reads as unknown. A matched answer not for the oldest outstanding REQ
 * is {@code out_of_order}.
 *
 * <h2>Time</h2>
 * One clock read per buffer scanned (the first message of it takes the time; REQs in one read
 * passed together), cleared when the scanner reports the end of the buffer.
 */
public final class ProtocolTracker implements ConnectionAnalytics {
    private static final int INITIAL_CAPACITY = 8;
    /** An emptied table larger than this is dropped, so a past burst does not stay pinned. */
    private static final int KEEP_CAPACITY = 64;
    private static final long ANSWERED = Long.MIN_VALUE;
    private static final int PAST_RUNS = 8;

    private final Stripe stripe;
    private final AnalyticsClock clock;
    private final InetAddress client;
    private final int maxOutstanding;
    private final int maxCapacity;
    private final long openedNanos;

    // links of the stripe's live list (owner thread)
    ProtocolTracker prev;
    ProtocolTracker next;

    private long[] seqs;
    private long[] sentNanos;
    private int head;
    /** Ring slots in use from head, tombstones included. */
    private int span;
    /** Outstanding REQs (live entries). */
    private int live;
    /**
     * Whether the ring holds consecutive seqs at consecutive slots since it was last empty, so
     * that a seq has exactly one place to be (the O(1) lookup); else answers are found by a scan.
     */
    private boolean dense = true;
    /** While not dense: where each seq sits, for O(1) lookups; else null. */
    private SeqIndex index;
    /** The index last built, kept for reuse while the ring keeps its capacity. */
    private SeqIndex spareIndex;
    private boolean overflowed;
    private long lastRequestSeq;
    /** Where the current run of consecutive REQ seqs began: runStart..lastRequestSeq all passed. */
    private long runStart = 1;
    /**
     * The runs before the current one (start, end pairs; the last {@value #PAST_RUNS}), so that
     * a late second answer after a seq jump is still known as a duplicate. Allocated at the
     * first non-sequential REQ only.
     */
    private long[] pastRuns;
    private int pastRunCount;

    private long messages;
    private long usageMessages;
    private long usageBytes;

    private boolean stamped;
    private boolean wallStamped;
    /**
     * Whether this read's updates are inside the stripe's critical section: entered at the first
     * update of a scanned buffer and left at its end ({@link #onScanned}), so a read of sixteen
     * answers costs two atomic increments, not thirty-two (at 50x16 this tracker's share of the
     * event loops' CPU fell from 5-6 % to 3.4 % by the profile). The drainer's flip waits for
     * the section to end, a few microseconds of scanning.
     */
    private boolean inSection;
    private long sectionToken;
    private long nowNanos;
    private long nowMillis;
    private boolean closed;

    ProtocolTracker(Stripe stripe, AnalyticsClock clock, InetAddress client, int maxOutstanding) {
        this.stripe = stripe;
        this.clock = clock;
        this.client = client;
        this.maxOutstanding = maxOutstanding;
        int cap = Integer.highestOneBit(maxOutstanding);
        // twice the power of two above the cap: room for answered entries (tombstones) behind
        // the oldest outstanding one, so that a compaction always frees at least half the ring
        // (amortised O(1) per REQ, however the answers come)
        this.maxCapacity = (cap == maxOutstanding ? cap : cap << 1) << 1;
        this.openedNanos = clock.nanoTime();
    }

    // ------------------------------------------------------------ MessageObserver (event loop)

    @Override
    public void onMessage(MessageType type, long seq) {
        if (closed) {
            return;
        }
        messages++;
        usageMessages++;
        stamp();
        if (type == MessageType.REQ) {
            request(seq);
        } else {
            answer(seq);
        }
    }

    @Override
    public void onWrongDirection(MessageType type, long seq) {
        if (!closed) {
            count(type == MessageType.REQ ? REQUESTS_FROM_SERVER : ANSWERS_FROM_CLIENT);
        }
    }

    @Override
    public void onScanned(Direction direction, int bytes) {
        stamped = false;
        wallStamped = false;
        try {
            if (closed) {
                return;
            }
            usageBytes += bytes;
            if ((usageMessages | usageBytes) != 0) {
                interval().usage(client, usageMessages, usageBytes);
                usageMessages = 0;
                usageBytes = 0;
            }
        } finally {
            leaveSection(); // always: an open section would hold the drainer's flip forever
        }
    }

    /**
     * The connection closed: its unanswered REQs, its duration and message count are recorded,
     * and it leaves the in-flight gauges. Idempotent.
     */
    @Override
    public void closed() {
        if (closed) {
            return;
        }
        closed = true;
        long durationMillis = (clock.nanoTime() - openedNanos) / 1_000_000;
        long token = stripe.enter();
        try {
            Interval i = stripe.active();
            if (live > 0) {
                i.count(UNANSWERED_REQUESTS, live);
            }
            if ((usageMessages | usageBytes) != 0) {
                i.usage(client, usageMessages, usageBytes);
            }
            i.connectionClosed(durationMillis, messages);
        } finally {
            stripe.exit(token);
        }
        usageMessages = 0;
        usageBytes = 0;
        live = 0;
        span = 0;
        seqs = null;
        sentNanos = null;
        index = null;
        spareIndex = null;
        AnalyticsRecorder.unlink(stripe, this);
    }

    // ------------------------------------------------------------ gauges (owner thread)

    int outstanding() {
        return live;
    }

    /** The nanoTime the oldest outstanding REQ passed; only when {@link #outstanding()} > 0. */
    long oldestOutstandingNanos() {
        return sentNanos[head];
    }

    /** Entries the outstanding table can hold now (0 before the first REQ); for tests. */
    int capacity() {
        return seqs == null ? 0 : seqs.length;
    }

    // ------------------------------------------------------------ requests

    private void request(long seq) {
        if (seq != lastRequestSeq + 1) {
            rememberRun();
            runStart = seq;
            count(NON_SEQUENTIAL_REQUESTS);
        }
        lastRequestSeq = seq;
        if (live >= maxOutstanding) {
            overflowed = true;
            count(OUTSTANDING_OVERFLOW);
            return;
        }
        if (seqs == null) {
            seqs = new long[Math.min(INITIAL_CAPACITY, maxCapacity)];
            sentNanos = new long[seqs.length];
        } else if (span == seqs.length) {
            if (seqs.length < maxCapacity) {
                resize(seqs.length * 2);
            } else {
                compact(); // the table is full of tombstones: live < maxOutstanding <= capacity
            }
        }
        if (dense && span > 0 && seq != seqs[(head + span - 1) & (seqs.length - 1)] + 1) {
            dense = false;
            buildIndex();
        }
        int i = (head + span) & (seqs.length - 1);
        seqs[i] = seq;
        sentNanos[i] = nowNanos;
        span++;
        live++;
        if (index != null) {
            index.added(seq, i);
        }
    }

    // ------------------------------------------------------------ answers

    private void answer(long seq) {
        int pos = find(seq);
        if (pos < 0) {
            if (overflowed) {
                count(UNTRACKED_ANSWERS);
            } else if (answeredBefore(seq)) {
                count(DUPLICATE_ANSWERS);
            } else {
                count(UNKNOWN_SEQ_ANSWERS);
            }
            return;
        }
        int mask = seqs.length - 1;
        int slot = (head + pos) & mask;
        long micros = (nowNanos - sentNanos[slot]) / 1_000;
        Interval i = interval();
        i.recordLatency(Interval.sliceOf(wallMillis()), micros);
        i.count(MATCHED_ANSWERS, 1);
        if (pos != 0) {
            i.count(OUT_OF_ORDER_ANSWERS, 1);
        }
        sentNanos[slot] = ANSWERED;
        live--;
        if (index != null) {
            index.answered(seq);
        }
        if (pos == 0) {
            while (span > 0 && sentNanos[head] == ANSWERED) {
                if (index != null) {
                    index.dropped(seqs[head]);
                }
                head = (head + 1) & mask;
                span--;
            }
        }
        if (live == 0) {
            head = 0;
            span = 0;
            dense = true;
            index = null;
            if (seqs.length > KEEP_CAPACITY) {
                seqs = null;
                sentNanos = null;
                spareIndex = null;
            }
        }
    }

    /** Position (from head) of the oldest outstanding REQ with this seq, or -1. */
    private int find(long seq) {
        if (live == 0) {
            return -1;
        }
        int mask = seqs.length - 1;
        long offset = seq - seqs[head]; // head is always outstanding while live > 0
        if (dense) {
            // consecutive seqs from seqs[head]: this seq has one possible place, or none
            if (offset < 0 || offset >= span) {
                return -1;
            }
            int slot = (int) ((head + offset) & mask);
            return seqs[slot] == seq && sentNanos[slot] != ANSWERED ? (int) offset : -1;
        }
        int slot = index.oldestOutstanding(seq);
        return slot < 0 ? -1 : (slot - head) & mask;
    }

    private boolean answeredBefore(long seq) {
        if (seq >= runStart && seq <= lastRequestSeq) {
            return true; // its REQ passed (a run of consecutive seqs) and is no longer outstanding
        }
        for (int r = 0; r < pastRunCount; r++) {
            if (seq >= pastRuns[2 * r] && seq <= pastRuns[2 * r + 1]) {
                return true;
            }
        }
        if (index != null) {
            return index.hasAnswered(seq);
        }
        if (seqs != null && span > 0) {
            // dense: an answered entry for seq can only sit at its one place
            long offset = seq - seqs[head];
            if (offset >= 0 && offset < span) {
                int slot = (int) ((head + offset) & (seqs.length - 1));
                return seqs[slot] == seq && sentNanos[slot] == ANSWERED;
            }
        }
        return false;
    }

    /** Keeps the run that a non-sequential REQ ends (the oldest one goes when all are taken). */
    private void rememberRun() {
        if (lastRequestSeq < runStart) {
            return; // no REQ yet
        }
        if (pastRuns == null) {
            pastRuns = new long[2 * PAST_RUNS];
        }
        int r;
        if (pastRunCount < PAST_RUNS) {
            r = pastRunCount++;
        } else {
            System.arraycopy(pastRuns, 2, pastRuns, 0, 2 * (PAST_RUNS - 1));
            r = PAST_RUNS - 1;
        }
        pastRuns[2 * r] = runStart;
        pastRuns[2 * r + 1] = lastRequestSeq;
    }

    // ------------------------------------------------------------ ring maintenance

    private void resize(int capacity) {
        long[] s = new long[capacity];
        long[] t = new long[capacity];
        int mask = seqs.length - 1;
        for (int p = 0; p < span; p++) {
            int slot = (head + p) & mask;
            s[p] = seqs[slot];
            t[p] = sentNanos[slot];
        }
        seqs = s;
        sentNanos = t;
        head = 0;
        if (index != null) {
            buildIndex(); // sized to the ring
        }
    }

    /** (Re)builds the seq index from the ring, for a ring that is no longer dense. */
    private void buildIndex() {
        if (spareIndex != null && spareIndex.ringCapacity() == seqs.length) {
            spareIndex.clear();
        } else {
            spareIndex = new SeqIndex(seqs.length);
        }
        index = spareIndex;
        int mask = seqs.length - 1;
        for (int p = 0; p < span; p++) {
            int slot = (head + p) & mask;
            if (sentNanos[slot] == ANSWERED) {
                index.addedAnswered(seqs[slot]);
            } else {
                index.added(seqs[slot], slot);
            }
        }
    }

    /** Drops tombstones in place, keeping the order; never overtakes itself (w <= p). */
    private void compact() {
        int mask = seqs.length - 1;
        int w = 0;
        for (int p = 0; p < span; p++) {
            int from = (head + p) & mask;
            if (sentNanos[from] != ANSWERED) {
                int to = (head + w) & mask;
                seqs[to] = seqs[from];
                sentNanos[to] = sentNanos[from];
                w++;
            }
        }
        span = w;
        dense = false; // the live entries moved up: seqs no longer sit at head + (seq - first)
        buildIndex();
    }

    private void stamp() {
        if (!stamped) {
            stamped = true;
            nowNanos = clock.nanoTime();
        }
    }

    /** The wall clock of this read, read once and only when an answer needs its slice. */
    private long wallMillis() {
        if (!wallStamped) {
            wallStamped = true;
            nowMillis = clock.wallMillis();
        }
        return nowMillis;
    }

    private void count(int counter) {
        interval().count(counter, 1);
    }

    /**
     * The interval to update, inside this read's critical section (entered on first use). Only
     * while a buffer is scanned: {@link #onScanned} leaves the section. The interval is read at
     * each update, so updates before and after a drain's swap each land in exactly one drain.
     */
    private Interval interval() {
        if (!inSection) {
            sectionToken = stripe.enter();
            inSection = true;
        }
        return stripe.active();
    }

    private void leaveSection() {
        if (inSection) {
            inSection = false;
            stripe.exit(sectionToken);
        }
    }
}
