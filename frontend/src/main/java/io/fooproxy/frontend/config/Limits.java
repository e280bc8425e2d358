package io.fooproxy.frontend.config;

import java.time.Duration;

/**
 * The limits the edge puts on its clients, all reloadable on SIGHUP (see {@link ConfigKey}):
 * what a limit applies to at a reload is said per field.
 *
 * @param maxConnections      client connections open at once; one more is accepted and closed at
 *                            once (new connections only: a lower value closes nobody)
 * @param maxConnectionsPerIp client connections open at once from one address, likewise
 * @param clientIdleTimeout   a client that completes no line (and sends no max-line-length bytes)
 *                            and takes none of its answers for this long, while it is not waiting
 *                            for the upstream, is closed (open connections use the new value at
 *                            their next check)
 * @param upstreamIdleTimeout while a REQ awaits its answer, the upstream must send or take bytes
 *                            at least this often, or the pair is closed (likewise)
 * @param connectTimeout      upstream connect timeout (new connections)
 * @param maxLineLength       longest line the sniffer classifies (new connections)
 * @param reqRatePerIp        REQs per second one client address may send over all its
 *                            connections; 0 = no quota. Over it, reading from that client pauses
 *                            until the quota allows more (nothing is dropped)
 * @param reqBurstPerIp       REQs an address may send at once above the rate; 0 = one second's
 *                            worth ({@code reqRatePerIp})
 * @param drainTimeout        on SIGTERM, how long connections with a REQ in flight get for their
 *                            answers (the value in force when the signal arrives)
 */
public record Limits(
        int maxConnections,
        int maxConnectionsPerIp,
        Duration clientIdleTimeout,
        Duration upstreamIdleTimeout,
        Duration connectTimeout,
        int maxLineLength,
        int reqRatePerIp,
        int reqBurstPerIp,
        Duration drainTimeout) {

    public static final int MAX_CONNECTIONS = 1_000_000;
    public static final int MAX_MAX_LINE_LENGTH = 1 << 30;
    public static final int MAX_REQ_RATE = 1_000_000_000;
    public static final Duration MAX_CONNECT_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration MAX_IDLE_TIMEOUT = Duration.ofHours(24);
    public static final Duration MAX_DRAIN_TIMEOUT = Duration.ofHours(1);

    public Limits {
        range(maxConnections, 1, MAX_CONNECTIONS, ConfigKey.MAX_CONNECTIONS);
        range(maxConnectionsPerIp, 1, MAX_CONNECTIONS, ConfigKey.MAX_CONNECTIONS_PER_IP);
        millis(clientIdleTimeout, Duration.ofMillis(1), MAX_IDLE_TIMEOUT, ConfigKey.CLIENT_IDLE_TIMEOUT);
        millis(upstreamIdleTimeout, Duration.ofMillis(1), MAX_IDLE_TIMEOUT, ConfigKey.UPSTREAM_IDLE_TIMEOUT);
        // whole milliseconds: that is what the socket option takes, and 0 would mean "no timeout"
        millis(connectTimeout, Duration.ofMillis(1), MAX_CONNECT_TIMEOUT, ConfigKey.CONNECT_TIMEOUT);
        range(maxLineLength, 1, MAX_MAX_LINE_LENGTH, ConfigKey.MAX_LINE_LENGTH);
        range(reqRatePerIp, 0, MAX_REQ_RATE, ConfigKey.REQ_RATE_PER_IP);
        range(reqBurstPerIp, 0, MAX_REQ_RATE, ConfigKey.REQ_BURST_PER_IP);
        millis(drainTimeout, Duration.ZERO, MAX_DRAIN_TIMEOUT, ConfigKey.DRAIN_TIMEOUT);
    }

    /** The defaults of {@link ConfigKey}. */
    public static Limits defaults() {
        return new Limits(10_000, 1_000, Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(5),
                65_536, 0, 0, Duration.ofSeconds(30));
    }

    /** Whether a REQ quota applies. */
    public boolean quotaEnabled() {
        return reqRatePerIp > 0;
    }

    /** The bucket size of the REQ quota. */
    public int effectiveBurst() {
        return reqBurstPerIp > 0 ? reqBurstPerIp : reqRatePerIp;
    }

    public Limits withMaxConnections(int value) {
        return new Limits(value, maxConnectionsPerIp, clientIdleTimeout, upstreamIdleTimeout, connectTimeout,
                maxLineLength, reqRatePerIp, reqBurstPerIp, drainTimeout);
    }

    public Limits withMaxConnectionsPerIp(int value) {
        return new Limits(maxConnections, value, clientIdleTimeout, upstreamIdleTimeout, connectTimeout,
                maxLineLength, reqRatePerIp, reqBurstPerIp, drainTimeout);
    }

    public Limits withIdleTimeouts(Duration client, Duration upstream) {
        return new Limits(maxConnections, maxConnectionsPerIp, client, upstream, connectTimeout,
                maxLineLength, reqRatePerIp, reqBurstPerIp, drainTimeout);
    }

    public Limits withMaxLineLength(int value) {
        return new Limits(maxConnections, maxConnectionsPerIp, clientIdleTimeout, upstreamIdleTimeout,
                connectTimeout, value, reqRatePerIp, reqBurstPerIp, drainTimeout);
    }

    public Limits withReqQuota(int ratePerSecond, int burst) {
        return new Limits(maxConnections, maxConnectionsPerIp, clientIdleTimeout, upstreamIdleTimeout,
                connectTimeout, maxLineLength, ratePerSecond, burst, drainTimeout);
    }

    public Limits withDrainTimeout(Duration value) {
        return new Limits(maxConnections, maxConnectionsPerIp, clientIdleTimeout, upstreamIdleTimeout,
                connectTimeout, maxLineLength, reqRatePerIp, reqBurstPerIp, value);
    }

    private static void range(int value, int min, int max, ConfigKey key) {
        if (value < min || value > max) {
            throw new ConfigException(key.key(), value + " out of range (" + min + ".." + max + ")");
        }
    }

    private static void millis(Duration value, Duration min, Duration max, ConfigKey key) {
        if (value == null) {
            throw new ConfigException(key.key(), "missing");
        }
        // the timers work in whole milliseconds, so 500us would be 0 (no timeout at all)
        if (value.toMillis() < min.toMillis() || value.compareTo(max) > 0) {
            throw new ConfigException(key.key(), Durations.format(value) + " out of range ("
                    + Durations.format(min) + ".." + Durations.format(max) + ")");
        }
    }
}
