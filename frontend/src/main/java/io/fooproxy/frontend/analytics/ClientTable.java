package io.fooproxy.frontend.analytics;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * Messages and bytes per client address, at most {@code maxClients} addresses; what does not fit
 * goes to one "others" entry, so the sums stay exact however many addresses come. Open
 * addressing over primitive arrays: adding to a known address allocates nothing; the arrays
 * double (up to twice the cap) as addresses arrive. Single-threaded.
 */
final class ClientTable {
    private static final int INITIAL_CAPACITY = 16;

    private final int maxClients;
    private InetAddress[] keys = new InetAddress[INITIAL_CAPACITY];
    private long[] messages = new long[INITIAL_CAPACITY];
    private long[] bytes = new long[INITIAL_CAPACITY];
    private int size;
    private long otherMessages;
    private long otherBytes;

    ClientTable(int maxClients) {
        this.maxClients = maxClients;
    }

    void add(InetAddress client, long msgs, long byteCount) {
        int i = slot(client);
        if (keys[i] == null) {
            if (size >= maxClients) {
                otherMessages += msgs;
                otherBytes += byteCount;
                return;
            }
            if ((size + 1) * 2 > keys.length) {
                grow();
                i = slot(client);
            }
            keys[i] = client;
            size++;
        }
        messages[i] += msgs;
        bytes[i] += byteCount;
    }

    void addOthers(long msgs, long byteCount) {
        otherMessages += msgs;
        otherBytes += byteCount;
    }

    /** Adds everything of {@code other} into this. */
    void addAll(ClientTable other) {
        for (int i = 0; i < other.keys.length; i++) {
            if (other.keys[i] != null) {
                add(other.keys[i], other.messages[i], other.bytes[i]);
            }
        }
        addOthers(other.otherMessages, other.otherBytes);
    }

    boolean isEmpty() {
        return size == 0 && (otherMessages | otherBytes) == 0;
    }

    int size() {
        return size;
    }

    long otherMessages() {
        return otherMessages;
    }

    long otherBytes() {
        return otherBytes;
    }

    /** Visits every named entry (in table order). */
    void forEach(Visitor visitor) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                visitor.visit(keys[i], messages[i], bytes[i]);
            }
        }
    }

    void clear() {
        if (size > 0) {
            Arrays.fill(keys, null);
            Arrays.fill(messages, 0);
            Arrays.fill(bytes, 0);
        }
        size = 0;
        otherMessages = 0;
        otherBytes = 0;
    }

    private int slot(InetAddress client) {
        int mask = keys.length - 1;
        int i = mix(client.hashCode()) & mask;
        while (keys[i] != null && !keys[i].equals(client)) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private void grow() {
        InetAddress[] oldKeys = keys;
        long[] oldMessages = messages;
        long[] oldBytes = bytes;
        keys = new InetAddress[oldKeys.length * 2];
        messages = new long[keys.length];
        bytes = new long[keys.length];
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != null) {
                int i = slot(oldKeys[j]);
                keys[i] = oldKeys[j];
                messages[i] = oldMessages[j];
                bytes[i] = oldBytes[j];
            }
        }
    }

    /** IPv4 hash codes are the address itself: spread the low bits of neighbouring addresses. */
    private static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    interface Visitor {
        void visit(InetAddress client, long messages, long bytes);
    }
}
