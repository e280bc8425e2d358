package io.fooproxy.backend.analytics;

import static java.util.Objects.requireNonNull;

import io.fooproxy.backend.stats.SaturatingCounts;
import io.fooproxy.proto.recovery.v1.ConsumerRecord;
import io.fooproxy.proto.recovery.v1.ConsumptionRecord;
import io.fooproxy.proto.stats.v1.Consumer;
import io.fooproxy.proto.stats.v1.TopConsumers;
import io.fooproxy.proto.telemetry.v1.ClientUsage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Consumption per client address over a cycle, after PMProxy's consumption manager: exact cycle
 * totals and a bounded top-K table (the Space-Saving algorithm of Metwally, Agrawal and El Abbadi,
 * weighted, ranked by messages). Not thread-safe; the aggregator's lock guards it.
 *
 * <p><b>Space-Saving.</b> The table holds at most K addresses. A tracked address adds to its own
 * entry. A new address takes a free entry, or, when all K are taken, the entry with the fewest
 * messages: it inherits that entry's counts, and records them as its overcount. Hence, with
 * {@code M} the cycle's total messages:
 *
 * <ul>
 *   <li>messages: {@code shown - max_overcount_messages <= true <= shown}, and
 *       {@code max_overcount_messages <= M / K};
 *   <li>every address with more than {@code M / K} messages is in the table;
 *   <li>bytes ride along with the messages: {@code shown - max_overcount_bytes} is what the
 *       address consumed since it last entered the table, so the shown bytes overstate by at
 *       most {@code max_overcount_bytes}, and understate only what the address consumed before an
 *       earlier eviction (none while it stayed in the table, and never when the table never
 *       filled up).
 * </ul>
 *
 * <p>An entry with a zero overcount is exact. Usage a frontend put in its "other clients" bucket
 * (beyond its per-batch limit) counts in the exact totals only.
 *
 * <p><b>Cycle.</b> Cycles start on multiples of the cycle length since the unix epoch (a day:
 * 00:00 UTC). The first access at or after the current cycle's end resets the totals and the
 * table and records the reset time; a clock that steps back never resets.
 */
public final class ConsumptionTable {
    /** Longer "addresses" are not IP addresses; their usage counts in the totals only. */
    static final int MAX_ADDRESS_LENGTH = 64;

    private final long cycleMillis;
    private final int capacity;
    private final Map<String, Entry> byAddress;
    /** A min-heap by messages over the entries; each entry knows its index. */
    private final Entry[] heap;
    private int size;
    private long cycleStart;
    private long lastReset;
    private long totalMessages;
    private long totalBytes;

    public ConsumptionTable(AnalyticsSettings settings, long nowUnixMillis) {
        requireNonNull(settings, "settings");
        this.cycleMillis = settings.consumptionCycle().toMillis();
        this.capacity = settings.maxTrackedClients();
        this.byAddress = new HashMap<>(Math.min(capacity, 1 << 16) * 2);
        this.heap = new Entry[capacity];
        this.cycleStart = cycleStartOf(nowUnixMillis);
    }

    /**
     * Moves to the cycle that holds {@code now} if the current one has ended.
     *
     * @return whether the table was reset
     */
    public boolean roll(long now) {
        long start = cycleStartOf(now);
        if (start <= cycleStart) {
            return false;
        }
        cycleStart = start;
        lastReset = now;
        clear();
        return true;
    }

    /** Adds one batch's consumption (rolls the cycle first). */
    public void add(List<ClientUsage> clients, ClientUsage others, long now) {
        requireNonNull(clients, "clients");
        requireNonNull(others, "others");
        roll(now);
        for (ClientUsage c : clients) {
            addTotals(c);
            String address = c.getAddress();
            if (!address.isEmpty() && address.length() <= MAX_ADDRESS_LENGTH
                    && (c.getMessages() | c.getBytes()) != 0) {
                offer(address, c.getMessages(), c.getBytes());
            }
        }
        addTotals(others);
    }

    private void addTotals(ClientUsage c) {
        totalMessages = SaturatingCounts.add(totalMessages, c.getMessages());
        totalBytes = SaturatingCounts.add(totalBytes, c.getBytes());
    }

    private void offer(String address, long messages, long bytes) {
        Entry e = byAddress.get(address);
        if (e == null) {
            if (size < capacity) {
                e = new Entry(address);
                e.index = size;
                heap[size++] = e;
            } else {
                e = heap[0]; // the fewest messages: its counts become the newcomer's overcount
                byAddress.remove(e.address);
                e.address = address;
                e.overcountMessages = e.messages;
                e.overcountBytes = e.bytes;
            }
            byAddress.put(address, e);
        }
        e.messages = SaturatingCounts.add(e.messages, messages);
        e.bytes = SaturatingCounts.add(e.bytes, bytes);
        siftDown(e.index); // counts only grow
        siftUp(e.index); // a new entry at the end
    }

    /** The cycle with its {@code limit} biggest consumers by {@code order}. */
    public TopConsumers top(int limit, ConsumerOrder order) {
        requireNonNull(order, "order");
        Comparator<Entry> byCount = order == ConsumerOrder.BYTES
                ? (a, b) -> Long.compareUnsigned(b.bytes, a.bytes)
                : (a, b) -> Long.compareUnsigned(b.messages, a.messages);
        Comparator<Entry> ranking = byCount.thenComparing(e -> e.address);
        int n = Math.min(Math.max(limit, 0), size);
        // the n best of K in O(K log n): a bounded queue whose head is the worst kept so far
        PriorityQueue<Entry> best = new PriorityQueue<>(Math.max(n, 1), ranking.reversed());
        for (int i = 0; i < size && n > 0; i++) {
            Entry e = heap[i];
            if (best.size() < n) {
                best.add(e);
            } else if (ranking.compare(e, best.peek()) < 0) {
                best.poll();
                best.add(e);
            }
        }
        Entry[] entries = best.toArray(new Entry[0]);
        Arrays.sort(entries, ranking);
        TopConsumers.Builder out = TopConsumers.newBuilder()
                .setCycleStartedUnixMillis(cycleStart)
                .setCycleSeconds(cycleMillis / 1000)
                .setCycleEndsUnixMillis(cycleStart + cycleMillis)
                .setLastResetUnixMillis(lastReset)
                .setTotalMessages(totalMessages)
                .setTotalBytes(totalBytes)
                .setTrackedClients(size)
                .setMaxTrackedClients(capacity);
        for (Entry e : entries) {
            out.addTop(Consumer.newBuilder()
                    .setAddress(e.address)
                    .setMessages(e.messages)
                    .setBytes(e.bytes)
                    .setMaxOvercountMessages(e.overcountMessages)
                    .setMaxOvercountBytes(e.overcountBytes));
        }
        return out.build();
    }

    /** Distinct addresses tracked now (at most K). */
    public int trackedClients() {
        return size;
    }

    /** What the recovery file keeps. */
    public ConsumptionRecord toRecord() {
        ConsumptionRecord.Builder r = ConsumptionRecord.newBuilder()
                .setCycleStartedUnixMillis(cycleStart)
                .setCycleMillis(cycleMillis)
                .setLastResetUnixMillis(lastReset)
                .setTotalMessages(totalMessages)
                .setTotalBytes(totalBytes);
        for (int i = 0; i < size; i++) {
            Entry e = heap[i];
            r.addClients(ConsumerRecord.newBuilder()
                    .setAddress(e.address)
                    .setMessages(e.messages)
                    .setBytes(e.bytes)
                    .setOvercountMessages(e.overcountMessages)
                    .setOvercountBytes(e.overcountBytes));
        }
        return r.build();
    }

    /**
     * Replaces the table with a saved one (at startup). A record of another cycle length, or of a
     * cycle that has ended by {@code now}, starts a new cycle: a reset at {@code now}, unless the
     * record is empty (a file written before consumption existed). A record with more entries
     * than K keeps the K biggest.
     *
     * @throws IllegalArgumentException if the record has an empty or repeated address
     */
    public void restore(ConsumptionRecord r, long now) {
        requireNonNull(r, "r");
        Set<String> seen = new HashSet<>();
        for (ConsumerRecord c : r.getClientsList()) {
            if (c.getAddress().isEmpty() || !seen.add(c.getAddress())) {
                throw new IllegalArgumentException("consumption: empty or repeated address '"
                        + c.getAddress() + "'");
            }
        }
        if (r.getCycleMillis() < 0) {
            throw new IllegalArgumentException("consumption: negative cycle_millis");
        }
        clear();
        lastReset = r.getLastResetUnixMillis();
        long current = cycleStartOf(now);
        boolean saved = r.getCycleMillis() != 0;
        if (!saved) {
            cycleStart = current;
            return;
        }
        if (r.getCycleMillis() != cycleMillis || r.getCycleStartedUnixMillis() != current) {
            cycleStart = current;
            lastReset = now;
            return;
        }
        cycleStart = current;
        totalMessages = r.getTotalMessages();
        totalBytes = r.getTotalBytes();
        List<ConsumerRecord> clients = new ArrayList<>(r.getClientsList());
        clients.sort((a, b) -> Long.compareUnsigned(b.getMessages(), a.getMessages()));
        for (ConsumerRecord c : clients.subList(0, Math.min(clients.size(), capacity))) {
            Entry e = new Entry(c.getAddress());
            e.messages = c.getMessages();
            e.bytes = c.getBytes();
            e.overcountMessages = c.getOvercountMessages();
            e.overcountBytes = c.getOvercountBytes();
            e.index = size;
            heap[size++] = e;
            byAddress.put(e.address, e);
            siftUp(e.index);
        }
    }

    private long cycleStartOf(long now) {
        return Math.floorDiv(now, cycleMillis) * cycleMillis;
    }

    private void clear() {
        Arrays.fill(heap, 0, size, null);
        size = 0;
        byAddress.clear();
        totalMessages = 0;
        totalBytes = 0;
    }

    private void siftUp(int i) {
        Entry e = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Entry p = heap[parent];
            if (Long.compareUnsigned(p.messages, e.messages) <= 0) {
                break;
            }
            place(p, i);
            i = parent;
        }
        place(e, i);
    }

    private void siftDown(int i) {
        Entry e = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && Long.compareUnsigned(heap[child + 1].messages, heap[child].messages) < 0) {
                child++;
            }
            if (Long.compareUnsigned(e.messages, heap[child].messages) <= 0) {
                break;
            }
            place(heap[child], i);
            i = child;
        }
        place(e, i);
    }

    private void place(Entry e, int i) {
        heap[i] = e;
        e.index = i;
    }

    private static final class Entry {
        String address;
        long messages;
        long bytes;
        long overcountMessages;
        long overcountBytes;
        int index;

        Entry(String address) {
            this.address = address;
        }
    }
}
