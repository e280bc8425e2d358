package io.fooproxy.frontend.analytics;

import org.HdrHistogram.Histogram;

/**
 * The three kinds of histogram analytics records, with fixed ranges so that recording never
 * resizes (allocates) and two significant digits (1 % resolution), which keeps each one at a few
 * tens of kilobytes. Values outside the range are clamped into it, never rejected.
 */
final class Histograms {
    /** Service times up to one hour, in microseconds. */
    static final long MAX_LATENCY_MICROS = 3_600_000_000L;
    /** Connection durations up to a year, in milliseconds. */
    static final long MAX_DURATION_MILLIS = 366L * 24 * 3600 * 1000;
    /** Messages on one connection. */
    static final long MAX_MESSAGES = 1_000_000_000_000L;
    private static final int DIGITS = 2;

    private Histograms() {}

    static Histogram latency() {
        return new Histogram(1, MAX_LATENCY_MICROS, DIGITS);
    }

    static Histogram durations() {
        return new Histogram(1, MAX_DURATION_MILLIS, DIGITS);
    }

    static Histogram messages() {
        return new Histogram(1, MAX_MESSAGES, DIGITS);
    }

    /** Records {@code value} clamped to [0, the histogram's highest trackable value]. */
    static void record(Histogram h, long value) {
        h.recordValue(Math.max(0, Math.min(value, h.getHighestTrackableValue())));
    }
}
