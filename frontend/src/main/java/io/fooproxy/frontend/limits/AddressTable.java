package io.fooproxy.frontend.limits;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per client address: how many connections it has open (for {@code max-connections-per-ip})
 * and its REQ quota bucket. An address is known while it has a connection open, so the table
 * holds at most as many entries as there are open connections; an address that closes all its
 * connections and comes back starts with a full bucket. Thread-safe.
 */
public final class AddressTable {
    private final ConcurrentHashMap<InetAddress, Entry> entries = new ConcurrentHashMap<>();

    /** One address: its open connections (guarded by the table's map) and its quota. */
    public static final class Entry {
        private volatile int connections; // written under the map's lock, read by reports
        private final TokenBucket quota = new TokenBucket();

        public TokenBucket quota() {
            return quota;
        }
    }

    /**
     * Counts a new connection from {@code address}, unless it has {@code limit} open already.
     *
     * @return the address's entry, or {@code null} when it is at its limit
     */
    public Entry admit(InetAddress address, int limit) {
        requireNonNull(address, "address");
        Entry[] admitted = new Entry[1];
        entries.compute(address, (a, entry) -> {
            Entry e = entry != null ? entry : new Entry();
            if (e.connections < limit) {
                e.connections++;
                admitted[0] = e;
            }
            return e.connections == 0 ? null : e;
        });
        return admitted[0];
    }

    /**
     * The entry of {@code address}, or null when it has no connection open. A connection that
     * {@link #admit} counted finds its entry here until its {@link #release}.
     */
    public Entry entry(InetAddress address) {
        return entries.get(requireNonNull(address, "address"));
    }

    /** A connection that {@link #admit} counted has closed. */
    public void release(InetAddress address) {
        entries.computeIfPresent(requireNonNull(address, "address"), (a, e) -> --e.connections <= 0 ? null : e);
    }

    /** Connections open from {@code address} now. */
    public int connections(InetAddress address) {
        Entry e = entries.get(address);
        return e == null ? 0 : e.connections; // a racy read is fine for reports and tests
    }

    /** Addresses with a connection open now. */
    public int addresses() {
        return entries.size();
    }
}
