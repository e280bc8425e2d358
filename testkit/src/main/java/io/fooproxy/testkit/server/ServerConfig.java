package io.fooproxy.testkit.server;

import static java.util.Objects.requireNonNull;

import io.fooproxy.testkit.config.Address;
import io.fooproxy.testkit.config.ConfigException;
import io.fooproxy.testkit.protocol.FooWire;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Settings of the reference Foo server.
 *
 * @param listen       where to listen ({@code :8001} = every interface)
 * @param nakPercent   share of REQs answered with NAK, 0..100
 * @param fragment     split every answer across several writes, as servers in the wild do
 * @param seed         seed of the per-connection random decisions; empty = a random seed
 * @param delay        fixed delay before each answer (zero = answer at once)
 * @param maxLineBytes longest accepted line (LF excluded); a longer one closes the connection
 * @param threads      event loop threads; 0 = one per core
 */
public record ServerConfig(Address listen, int nakPercent, boolean fragment, OptionalLong seed, Duration delay,
                           int maxLineBytes, int threads) {

    public static final int DEFAULT_NAK_PERCENT = 10;

    public ServerConfig {
        requireNonNull(listen, "listen");
        requireNonNull(seed, "seed");
        requireNonNull(delay, "delay");
        if (nakPercent < 0 || nakPercent > 100) {
            throw new ConfigException("nak-percent", nakPercent + " is not between 0 and 100");
        }
        if (delay.isNegative()) {
            throw new ConfigException("delay", "must not be negative");
        }
        if (delay.compareTo(Duration.ofHours(1)) > 0) {
            throw new ConfigException("delay", "must be at most 1h");
        }
        if (maxLineBytes < 16) {
            throw new ConfigException("max-line", maxLineBytes + " is below the minimum of 16 bytes");
        }
        if (threads < 0 || threads > 1024) {
            throw new ConfigException("threads", threads + " is not between 0 and 1024");
        }
    }

    /** Defaults: 10 % NAK, fragmented answers, random seed, no delay, 1 MiB lines, one thread per core. */
    public static ServerConfig defaults(Address listen) {
        return new ServerConfig(listen, DEFAULT_NAK_PERCENT, true, OptionalLong.empty(), Duration.ZERO,
                FooWire.DEFAULT_MAX_LINE_BYTES, 0);
    }

    /** Defaults on 127.0.0.1 and the given port (0 = any free port): what in-process tests want. */
    public static ServerConfig loopback(int port) {
        return defaults(new Address("127.0.0.1", port));
    }

    public ServerConfig withNakPercent(int value) {
        return new ServerConfig(listen, value, fragment, seed, delay, maxLineBytes, threads);
    }

    public ServerConfig withFragment(boolean value) {
        return new ServerConfig(listen, nakPercent, value, seed, delay, maxLineBytes, threads);
    }

    public ServerConfig withSeed(long value) {
        return new ServerConfig(listen, nakPercent, fragment, OptionalLong.of(value), delay, maxLineBytes, threads);
    }

    public ServerConfig withDelay(Duration value) {
        return new ServerConfig(listen, nakPercent, fragment, seed, value, maxLineBytes, threads);
    }

    public ServerConfig withMaxLineBytes(int value) {
        return new ServerConfig(listen, nakPercent, fragment, seed, delay, value, threads);
    }

    public ServerConfig withThreads(int value) {
        return new ServerConfig(listen, nakPercent, fragment, seed, delay, maxLineBytes, value);
    }
}
