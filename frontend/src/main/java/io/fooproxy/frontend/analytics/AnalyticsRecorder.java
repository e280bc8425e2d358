package io.fooproxy.frontend.analytics;

import static java.util.Objects.requireNonNull;

import io.fooproxy.frontend.config.AnalyticsSettings;
import java.net.InetAddress;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Protocol analytics of the whole frontend: hands each client connection its {@link
 * ProtocolTracker} (written on that connection's event loop) and lets the telemetry publisher
 * drain what they recorded, exactly once, into a {@link PendingAnalytics}.
 *
 * <p>Each writing thread owns a {@link Stripe} (found once per connection through a {@link
 * ThreadLocal}, then held by the tracker), so writers never contend with each other and the hot
 * path takes no lock and allocates nothing; see {@link Stripe} for the exactly-once hand-over.
 *
 * <p>In-flight gauges: {@link #sampleInFlight()} must run on each event loop now and then (the
 * relay schedules it every second); it walks that thread's live connections and publishes their
 * outstanding REQs. {@link #inFlight()} sums the last samples, from any thread.
 */
public final class AnalyticsRecorder {
    private final AnalyticsSettings settings;
    private final AnalyticsClock clock;
    private final CopyOnWriteArrayList<Stripe> stripes = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Stripe> local = ThreadLocal.withInitial(this::register);

    public AnalyticsRecorder(AnalyticsSettings settings, AnalyticsClock clock) {
        this.settings = requireNonNull(settings, "settings");
        this.clock = requireNonNull(clock, "clock");
    }

    public AnalyticsSettings settings() {
        return settings;
    }

    public boolean enabled() {
        return settings.enabled();
    }

    /**
     * A new client connection from {@code client}: call on the connection's event loop, which
     * must then make every call of the returned tracker. {@link ConnectionAnalytics#NONE} when
     * analytics are off.
     */
    public ConnectionAnalytics open(InetAddress client) {
        requireNonNull(client, "client");
        if (!settings.enabled()) {
            return ConnectionAnalytics.NONE;
        }
        Stripe stripe = local.get();
        ProtocolTracker tracker = new ProtocolTracker(stripe, clock, client, settings.maxOutstandingRequests());
        tracker.next = stripe.liveHead;
        if (stripe.liveHead != null) {
            stripe.liveHead.prev = tracker;
        }
        stripe.liveHead = tracker;
        return tracker;
    }

    static void unlink(Stripe stripe, ProtocolTracker t) {
        if (t.prev != null) {
            t.prev.next = t.next;
        } else if (stripe.liveHead == t) {
            stripe.liveHead = t.next;
        }
        if (t.next != null) {
            t.next.prev = t.prev;
        }
        t.prev = null;
        t.next = null;
    }

    /** On an event loop: refreshes the in-flight gauges of the connections of this thread. */
    public void sampleInFlight() {
        if (settings.enabled()) {
            local.get().sampleInFlight();
        }
    }

    /** The last sampled in-flight gauges, summed over all threads; callable from any thread. */
    public InFlightGauge inFlight() {
        long count = 0;
        long oldest = 0;
        boolean any = false;
        for (Stripe s : stripes) {
            if (s.anyInFlight()) {
                long sent = s.oldestInFlightNanos();
                if (!any || sent - oldest < 0) {
                    oldest = sent;
                }
                any = true;
                count += s.inFlight();
            }
        }
        if (!any) {
            return InFlightGauge.NONE;
        }
        return new InFlightGauge(count, Math.max(0, (clock.nanoTime() - oldest) / 1_000_000));
    }

    /**
     * Moves everything recorded since the last drain into {@code into}: each update exactly once.
     * Meant for one thread (the publisher's); synchronized so that a stray second caller cannot
     * interleave with it.
     */
    public synchronized void drainInto(PendingAnalytics into) {
        requireNonNull(into, "into");
        for (Stripe s : stripes) {
            boolean gone = s.ownerGone();
            s.drainInto(into);
            if (gone) {
                // a dead thread writes no more, and everything it wrote was just taken
                stripes.remove(s);
            }
        }
    }

    /** Writing threads that hold a stripe (tests and diagnostics). */
    int stripeCount() {
        return stripes.size();
    }

    private Stripe register() {
        Stripe s = new Stripe(Thread.currentThread(), settings.maxClientsPerBatch());
        stripes.add(s);
        return s;
    }
}
