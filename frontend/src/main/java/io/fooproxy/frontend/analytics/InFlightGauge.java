package io.fooproxy.frontend.analytics;

/**
 * REQs awaiting their answer on the live connections, as last sampled.
 *
 * @param requests  how many
 * @param oldestAgeMillis how long the oldest has waited; 0 when there is none
 */
public record InFlightGauge(long requests, long oldestAgeMillis) {
    public static final InFlightGauge NONE = new InFlightGauge(0, 0);
}
