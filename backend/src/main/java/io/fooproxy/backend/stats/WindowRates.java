package io.fooproxy.backend.stats;

/**
 * The four moving-window rates of the stats contract, in messages per second, and the instant
 * (unix ms, exclusive) at which both windows end.
 */
public record WindowRates(
        double requestRate1s,
        double requestRate10s,
        double responseRate1s,
        double responseRate10s,
        long windowEndUnixMillis) {}
