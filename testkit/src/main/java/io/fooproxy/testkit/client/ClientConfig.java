package io.fooproxy.testkit.client;

import static java.util.Objects.requireNonNull;

import io.fooproxy.testkit.config.Address;
import io.fooproxy.testkit.config.ConfigException;
import io.fooproxy.testkit.load.LoadConfig;
import java.time.Duration;

/**
 * Settings of the checking client.
 *
 * @param connect     where to connect
 * @param requests    REQs per connection
 * @param connections parallel connections
 * @param depth       REQs in flight per connection (pipelining)
 * @param timeout     bound on the whole run, connecting included
 * @param dataLength  hex characters of random data per REQ
 */
public record ClientConfig(Address connect, long requests, int connections, int depth, Duration timeout,
                           int dataLength) {

    public ClientConfig {
        requireNonNull(connect, "connect");
        requireNonNull(timeout, "timeout");
        if (requests < 1 || requests > 1_000_000_000L) {
            throw new ConfigException("requests", requests + " is not between 1 and 1000000000");
        }
        if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(Duration.ofDays(1)) > 0) {
            throw new ConfigException("timeout", "must be above 0 and at most 24h");
        }
        if (connections < 1 || connections > LoadConfig.MAX_CONNECTIONS) {
            throw new ConfigException("connections",
                    connections + " is not between 1 and " + LoadConfig.MAX_CONNECTIONS);
        }
        if (depth < 1 || depth > LoadConfig.MAX_DEPTH) {
            throw new ConfigException("depth", depth + " is not between 1 and " + LoadConfig.MAX_DEPTH);
        }
        if (dataLength < 0 || dataLength > LoadConfig.MAX_DATA_LENGTH) {
            throw new ConfigException("data-length",
                    dataLength + " is not between 0 and " + LoadConfig.MAX_DATA_LENGTH);
        }
    }

    /** 100 REQs on 1 connection, depth 1, 10 s, 16 hex characters of data. */
    public static ClientConfig defaults(Address connect) {
        return new ClientConfig(connect, 100, 1, 1, Duration.ofSeconds(10), 16);
    }

    /**
     * The load run that does the work: a request budget per connection, the timeout as its time
     * limit, no drain (past the timeout nothing more is awaited), stop at the first error.
     */
    public LoadConfig toLoadConfig() {
        return LoadConfig.builder(connect)
                .connections(connections)
                .depth(depth)
                .requestsPerConnection(requests)
                .duration(timeout)
                .connectTimeout(timeout.compareTo(Duration.ofMinutes(10)) > 0 ? Duration.ofMinutes(10) : timeout)
                .drainTimeout(Duration.ZERO)
                .dataLength(dataLength)
                .threads(Math.min(connections, Runtime.getRuntime().availableProcessors()))
                .stopOnFirstError(true)
                .build();
    }
}
