package io.fooproxy.frontend.limits;

/**
 * The REQ quota of one client address: a token bucket refilled at the configured rate up to the
 * burst size. Charging may run the bucket into debt, because the REQs of a chunk that has been
 * read are relayed whole (the relay never holds back or drops bytes); the debt is paid by not
 * reading from that client again until the bucket is back at zero. Rate and burst are passed in
 * at each charge, so a reload applies at once. Thread-safe: the connections of one address may
 * live on different event loops.
 */
public final class TokenBucket {
    private static final double NANOS_PER_SECOND = 1e9;

    private double tokens;
    private long refilledAt;
    private boolean started;

    /**
     * Takes {@code requests} tokens.
     *
     * @param now        {@link System#nanoTime()}
     * @param ratePerSec tokens added per second, at least 1
     * @param burst      the most tokens the bucket holds, at least 1
     * @return 0 when the quota allowed them, else how many nanoseconds to wait before reading on
     */
    public synchronized long charge(long requests, long now, int ratePerSec, int burst) {
        if (!started) {
            started = true;
            tokens = burst; // a new client starts with a full bucket
        } else {
            tokens = Math.min(burst, tokens + (now - refilledAt) * (ratePerSec / NANOS_PER_SECOND));
        }
        refilledAt = now;
        tokens -= requests;
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens * NANOS_PER_SECOND / ratePerSec);
    }
}
