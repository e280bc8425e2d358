package io.fooproxy.frontend.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrontendConfigTest {

    static FrontendConfig valid() {
        return new FrontendConfig(Endpoint.parse(":8002"), Endpoint.parse("localhost:8001"),
                Endpoint.parse("127.0.0.1:9090"), "host:8002", Duration.ofMillis(50), "info", Optional.empty());
    }

    @Test
    void normalisesTheLogLevel() {
        assertThat(valid().logLevel()).isEqualTo("INFO");
    }

    @ParameterizedTest
    @ValueSource(strings = {"TRACE", "debug", "Info", "WARN", "error"})
    void acceptsEveryLogLevel(String level) {
        FrontendConfig v = valid();
        FrontendConfig c = new FrontendConfig(v.listen(), v.forward(), v.backend(), v.frontendId(),
                v.flushInterval(), level, v.configFile());
        assertThat(c.logLevel()).isEqualTo(level.toUpperCase(java.util.Locale.ROOT));
    }

    @Test
    void everyBadValueNamesItsKey() {
        FrontendConfig v = valid();
        assertThatThrownBy(() -> new FrontendConfig(v.listen(), Endpoint.parse(":0"), v.backend(), v.frontendId(),
                v.flushInterval(), v.logLevel(), v.configFile()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("forward: ");
        assertThatThrownBy(() -> new FrontendConfig(v.listen(), v.forward(), Endpoint.parse("x:0"), v.frontendId(),
                v.flushInterval(), v.logLevel(), v.configFile()))
                .hasMessageStartingWith("backend: ");
        assertThatThrownBy(() -> new FrontendConfig(v.listen(), v.forward(), v.backend(), " ",
                v.flushInterval(), v.logLevel(), v.configFile()))
                .hasMessage("frontend-id: must not be empty");
        assertThatThrownBy(() -> new FrontendConfig(v.listen(), v.forward(), v.backend(), "a\nb",
                v.flushInterval(), v.logLevel(), v.configFile()))
                .hasMessage("frontend-id: must not contain control characters");
        assertThatThrownBy(() -> new FrontendConfig(v.listen(), v.forward(), v.backend(), v.frontendId(),
                Duration.ofSeconds(11), v.logLevel(), v.configFile()))
                .hasMessage("flush-interval: 11s out of range (1ms..10s)");
        assertThatThrownBy(() -> new FrontendConfig(v.listen(), v.forward(), v.backend(), v.frontendId(),
                v.flushInterval(), "loud", v.configFile()))
                .hasMessage("log-level: 'LOUD' is not one of TRACE, DEBUG, INFO, WARN, ERROR");
    }

    @Test
    void everyBadLimitNamesItsKey() {
        Limits d = Limits.defaults();
        assertThatThrownBy(() -> d.withMaxLineLength(0))
                .isInstanceOf(ConfigException.class).hasMessage("max-line-length: 0 out of range (1..1073741824)");
        assertThatThrownBy(() -> new Limits(d.maxConnections(), d.maxConnectionsPerIp(), d.clientIdleTimeout(),
                d.upstreamIdleTimeout(), Duration.ZERO, d.maxLineLength(), 0, 0, d.drainTimeout()))
                .hasMessage("connect-timeout: 0 out of range (1ms..10m)");
        assertThatThrownBy(() -> new Limits(d.maxConnections(), d.maxConnectionsPerIp(), d.clientIdleTimeout(),
                d.upstreamIdleTimeout(), Duration.ofNanos(500), d.maxLineLength(), 0, 0, d.drainTimeout()))
                .hasMessageStartingWith("connect-timeout: ");
        assertThatThrownBy(() -> d.withMaxConnections(0)).hasMessage("max-connections: 0 out of range (1..1000000)");
        assertThatThrownBy(() -> d.withMaxConnectionsPerIp(-1))
                .hasMessage("max-connections-per-ip: -1 out of range (1..1000000)");
        assertThatThrownBy(() -> d.withIdleTimeouts(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessage("client-idle-timeout: 0 out of range (1ms..24h)");
        assertThatThrownBy(() -> d.withIdleTimeouts(Duration.ofSeconds(1), Duration.ofHours(25)))
                .hasMessage("upstream-idle-timeout: 25h out of range (1ms..24h)");
        assertThatThrownBy(() -> d.withReqQuota(-5, 0)).hasMessageStartingWith("req-rate-per-ip: ");
        assertThatThrownBy(() -> d.withReqQuota(5, -1)).hasMessageStartingWith("req-burst-per-ip: ");
        assertThatThrownBy(() -> d.withDrainTimeout(Duration.ofHours(2)))
                .hasMessage("drain-timeout: 2h out of range (0..1h)");
        assertThat(d.withDrainTimeout(Duration.ZERO).drainTimeout()).isZero();
    }

    @Test
    void theQuotaBurstDefaultsToOneSecondsWorth() {
        assertThat(Limits.defaults().quotaEnabled()).isFalse();
        assertThat(Limits.defaults().withReqQuota(50, 0).effectiveBurst()).isEqualTo(50);
        assertThat(Limits.defaults().withReqQuota(50, 7).effectiveBurst()).isEqualTo(7);
    }

    @Test
    void listsTheKeysThatChanged() {
        FrontendConfig a = valid();
        FrontendConfig b = new FrontendConfig(a.listen(), Endpoint.parse("other:8001"), a.backend(), a.frontendId(),
                a.flushInterval(), "DEBUG", a.limits().withMaxConnections(5),
                new AccessRules(List.of(), AccessRules.parseList("10.0.0.0/8")), Optional.of(Path.of("f.properties")));
        assertThat(a.changedKeys(a)).isEmpty();
        assertThat(a.changedKeys(b)).containsExactly(ConfigKey.FORWARD, ConfigKey.LOG_LEVEL,
                ConfigKey.MAX_CONNECTIONS, ConfigKey.DENY, ConfigKey.CONFIG);
    }

    @Test
    void aReloadTakesEveryReloadableKeyAndNothingElse() {
        FrontendConfig a = valid();
        FrontendConfig b = new FrontendConfig(Endpoint.parse(":9000"), Endpoint.parse("other:8001"),
                Endpoint.parse("backend:1"), "other-id", Duration.ofSeconds(1), "TRACE",
                new Limits(7, 3, Duration.ofSeconds(9), Duration.ofSeconds(8), Duration.ofSeconds(2), 100, 10, 20,
                        Duration.ofSeconds(4)),
                new AccessRules(AccessRules.parseList("::1/128"), AccessRules.parseList("10.0.0.0/8")),
                new AnalyticsSettings(false, 5, 6), Optional.of(Path.of("f.properties")), false,
                TransportChoice.NIO);

        FrontendConfig applied = a.withReloadableFrom(b);

        for (ConfigKey key : ConfigKey.values()) {
            assertThat(applied.valueOf(key)).as(key.key())
                    .isEqualTo(key.reloadable() ? b.valueOf(key) : a.valueOf(key));
        }
        assertThat(a.changedKeys(b)).as("the test changes every key").containsExactly(ConfigKey.values());
    }
}
