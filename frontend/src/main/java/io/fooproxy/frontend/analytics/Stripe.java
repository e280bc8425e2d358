package io.fooproxy.frontend.analytics;

import java.lang.ref.WeakReference;
import org.HdrHistogram.WriterReaderPhaser;

/**
 * One writing thread's share of the analytics: two {@link Interval}s, the one being written and
 * a spare, swapped by the drainer under a {@link WriterReaderPhaser} (HdrHistogram's Recorder
 * pattern). A writer brackets its updates with {@link #enter()}/{@link #exit} (two uncontended
 * atomic increments, no lock, no allocation; a {@link ProtocolTracker} brackets all the updates
 * of one read at once) and reads {@link #active()} at each update; the drainer swaps the
 * intervals and flips the phase, which waits for every section begun before the swap to end. So
 * each update lands in exactly one drain: nothing lost, nothing counted twice.
 *
 * <p>Also the list of the thread's live connections (intrusive, through the trackers' own
 * links), walked by {@link #sampleInFlight} on the owner thread to publish the in-flight gauges.
 */
final class Stripe {
    private final WriterReaderPhaser phaser = new WriterReaderPhaser();
    private final WeakReference<Thread> owner;
    private volatile Interval active;
    private Interval spare;

    // owner thread only
    ProtocolTracker liveHead;

    // written by the owner thread (sampleInFlight), read by the publisher
    private volatile long inFlight;
    private volatile long oldestInFlightNanos;
    private volatile boolean anyInFlight;

    Stripe(Thread owner, int maxClients) {
        this.owner = new WeakReference<>(owner);
        this.active = new Interval(maxClients);
        this.spare = new Interval(maxClients);
    }

    /** Starts an update; returns the value to pass to {@link #exit}. */
    long enter() {
        return phaser.writerCriticalSectionEnter();
    }

    /** The interval to write to; only between {@link #enter} and {@link #exit}. */
    Interval active() {
        return active;
    }

    void exit(long token) {
        phaser.writerCriticalSectionExit(token);
    }

    /** Drainer: hands every completed update since the last drain to {@code sink}, once. */
    void drainInto(PendingAnalytics sink) {
        phaser.readerLock();
        try {
            Interval taken = active;
            active = spare;
            phaser.flipPhase();
            // every writer that could see `taken` has left its critical section
            if (taken.touched()) {
                sink.add(taken);
                taken.reset();
            }
            spare = taken;
        } finally {
            phaser.readerUnlock();
        }
    }

    /** Owner thread: recomputes the in-flight gauges from this thread's live connections. */
    void sampleInFlight() {
        long count = 0;
        long oldest = 0;
        boolean any = false;
        for (ProtocolTracker t = liveHead; t != null; t = t.next) {
            int n = t.outstanding();
            if (n > 0) {
                long sent = t.oldestOutstandingNanos();
                if (!any || sent - oldest < 0) {
                    oldest = sent;
                }
                any = true;
                count += n;
            }
        }
        oldestInFlightNanos = oldest;
        inFlight = count;
        anyInFlight = any;
    }

    long inFlight() {
        return inFlight;
    }

    boolean anyInFlight() {
        return anyInFlight;
    }

    long oldestInFlightNanos() {
        return oldestInFlightNanos;
    }

    boolean ownerGone() {
        Thread t = owner.get();
        return t == null || !t.isAlive();
    }
}
