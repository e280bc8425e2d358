package io.fooproxy.testkit.load;

import static java.util.Objects.requireNonNull;

import io.fooproxy.testkit.config.Address;
import io.fooproxy.testkit.config.ConfigException;
import io.fooproxy.testkit.protocol.FooWire;
import java.time.Duration;

/**
 * One load run.
 *
 * @param target                where to connect
 * @param connections           parallel connections
 * @param depth                 REQs each connection keeps in flight at most (pipelining)
 * @param duration              how long to send after the warm-up (a time limit when a request budget is set)
 * @param rate                  total REQs per second over all connections; 0 = as fast as answers allow
 * @param warmup                sending time before the measurement; its traffic is counted, not timed
 * @param requestsPerConnection REQs per connection, after which it closes; 0 = no budget, run for {@code duration}
 * @param drainTimeout          how long to wait for outstanding answers once sending stops
 * @param connectTimeout        bound on establishing each connection
 * @param dataLength            hex characters of data per REQ (0 = no data)
 * @param threads               event loop threads; 0 = one per core
 * @param stopOnFirstError      end the whole run at the first error (the checking client does)
 */
public record LoadConfig(Address target, int connections, int depth, Duration duration, double rate,
                         Duration warmup, long requestsPerConnection, Duration drainTimeout,
                         Duration connectTimeout, int dataLength, int threads, boolean stopOnFirstError) {

    public static final int MAX_CONNECTIONS = 100_000;
    public static final int MAX_DEPTH = 65_536;
    public static final int MAX_DATA_LENGTH = FooWire.DEFAULT_MAX_LINE_BYTES / 2;

    public LoadConfig {
        requireNonNull(target, "target");
        requireNonNull(duration, "duration");
        requireNonNull(warmup, "warmup");
        requireNonNull(drainTimeout, "drainTimeout");
        requireNonNull(connectTimeout, "connectTimeout");
        if (target.port() == 0) {
            throw new ConfigException("connect", "port 0 cannot be connected to");
        }
        if (connections < 1 || connections > MAX_CONNECTIONS) {
            throw new ConfigException("connections", connections + " is not between 1 and " + MAX_CONNECTIONS);
        }
        if (depth < 1 || depth > MAX_DEPTH) {
            throw new ConfigException("depth", depth + " is not between 1 and " + MAX_DEPTH);
        }
        if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofDays(1)) > 0) {
            throw new ConfigException("duration", "must be above 0 and at most 24h");
        }
        if (!(rate >= 0) || Double.isInfinite(rate) || rate > 1e9) {
            throw new ConfigException("rate", rate + " is not between 0 (unlimited) and 1e9");
        }
        if (warmup.isNegative() || warmup.compareTo(Duration.ofHours(1)) > 0) {
            throw new ConfigException("warmup", "must be between 0 and 1h");
        }
        if (requestsPerConnection < 0) {
            throw new ConfigException("requests", "must not be negative");
        }
        if (drainTimeout.isNegative() || drainTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new ConfigException("drain-timeout", "must be between 0 and 10m");
        }
        if (connectTimeout.toMillis() < 1 || connectTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new ConfigException("connect-timeout", "must be between 1ms and 10m");
        }
        if (dataLength < 0 || dataLength > MAX_DATA_LENGTH) {
            throw new ConfigException("data-length", dataLength + " is not between 0 and " + MAX_DATA_LENGTH);
        }
        if (threads < 0 || threads > 1024) {
            throw new ConfigException("threads", threads + " is not between 0 and 1024");
        }
    }

    public static Builder builder(Address target) {
        return new Builder(target);
    }

    /** Builder with the defaults: 1 connection, depth 1, 10 s, unlimited rate, no warm-up, 5 s drain. */
    public static final class Builder {
        private final Address target;
        private int connections = 1;
        private int depth = 1;
        private Duration duration = Duration.ofSeconds(10);
        private double rate;
        private Duration warmup = Duration.ZERO;
        private long requestsPerConnection;
        private Duration drainTimeout = Duration.ofSeconds(5);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private int dataLength = 16;
        private int threads;
        private boolean stopOnFirstError;

        private Builder(Address target) {
            this.target = requireNonNull(target, "target");
        }

        public Builder connections(int value) {
            this.connections = value;
            return this;
        }

        public Builder depth(int value) {
            this.depth = value;
            return this;
        }

        public Builder duration(Duration value) {
            this.duration = value;
            return this;
        }

        public Builder rate(double value) {
            this.rate = value;
            return this;
        }

        public Builder warmup(Duration value) {
            this.warmup = value;
            return this;
        }

        public Builder requestsPerConnection(long value) {
            this.requestsPerConnection = value;
            return this;
        }

        public Builder drainTimeout(Duration value) {
            this.drainTimeout = value;
            return this;
        }

        public Builder connectTimeout(Duration value) {
            this.connectTimeout = value;
            return this;
        }

        public Builder dataLength(int value) {
            this.dataLength = value;
            return this;
        }

        public Builder threads(int value) {
            this.threads = value;
            return this;
        }

        public Builder stopOnFirstError(boolean value) {
            this.stopOnFirstError = value;
            return this;
        }

        public LoadConfig build() {
            return new LoadConfig(target, connections, depth, duration, rate, warmup, requestsPerConnection,
                    drainTimeout, connectTimeout, dataLength, threads, stopOnFirstError);
        }
    }
}
