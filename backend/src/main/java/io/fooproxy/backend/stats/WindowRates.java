package io.fooproxy.backend.stats;

/**
 * The four moving-window rates of the stats contract, in messages per second, the NAK ratio
 * (NAK / (ACK + NAK), 0 without answers) of each window, and the instant (unix ms, exclusive) at
 * which both windows end.
 */
public record WindowRates(
        double requestRate1s,
        double requestRate10s,
        double responseRate1s,
        double responseRate10s,
        double nakRatio1s,
        double nakRatio10s,
        long windowEndUnixMillis) {}
