package io.fooproxy.frontend.analytics;

/**
 * The two clocks protocol analytics reads: a monotonic one for service times and ages, and the
 * wall clock for the 100 ms slice an answer falls in. An interface so tests can step time.
 */
public interface AnalyticsClock {
    /** {@link System#nanoTime()} and {@link System#currentTimeMillis()}. */
    AnalyticsClock SYSTEM = new AnalyticsClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long wallMillis() {
            return System.currentTimeMillis();
        }
    };

    long nanoTime();

    long wallMillis();
}
