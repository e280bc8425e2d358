package io.fooproxy.frontend.analytics;

/** Both analytics clocks, moved by hand (one step moves both). */
final class StepClock implements AnalyticsClock {
    private volatile long nanos = 1_000_000_000L;
    private volatile long millis;

    StepClock(long wallMillis) {
        this.millis = wallMillis;
    }

    void advanceMillis(long ms) {
        nanos += ms * 1_000_000;
        millis += ms;
    }

    void advanceMicros(long us) {
        nanos += us * 1_000;
        millis = millis + 0; // wall time keeps its millisecond
    }

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public long wallMillis() {
        return millis;
    }
}
