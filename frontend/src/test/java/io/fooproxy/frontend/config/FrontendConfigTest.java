package io.fooproxy.frontend.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FrontendConfigTest {

    static FrontendConfig valid() {
        return new FrontendConfig(Endpoint.parse(":8002"), Endpoint.parse("localhost:8001"),
                Endpoint.parse("127.0.0.1:9090"), "host:8002", 65536, Duration.ofSeconds(5), Duration.ofMillis(50),
                "info", Optional.empty());
    }

    @Test
    void normalisesTheLogLevel() {
        assertThat(valid().logLevel()).isEqualTo("INFO");
    }

    @Test
    void everyBadValueNamesItsKey() {
        FrontendConfig v = valid();
        assertThatThrownBy(() -> new FrontendConfig(v.listen(), Endpoint.parse(":0"), v.backend(), v.frontendId(),
                v.maxLineLength(), v.connectTimeout(), v.flushInterval(), v.logLevel(), v.configFile()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("forward: ");
        assertThatThrownBy(() -> new FrontendConfig(v.listen(), v.forward(), Endpoint.parse("x:0"), v.frontendId(),
                v.maxLineLength(), v.connectTimeout(), v.flushInterval(), v.logLevel(), v.configFile()))
                .hasMessageStartingWith("backend: ");
        assertThatThrownBy(() -> new FrontendConfig(v.listen(), v.forward(), v.backend(), " ",
                v.maxLineLength(), v.connectTimeout(), v.flushInterval(), v.logLevel(), v.configFile()))
                .hasMessage("frontend-id: must not be empty");
        assertThatThrownBy(() -> new FrontendConfig(v.listen(), v.forward(), v.backend(), "a\nb",
                v.maxLineLength(), v.connectTimeout(), v.flushInterval(), v.logLevel(), v.configFile()))
                .hasMessage("frontend-id: must not contain control characters");
        assertThatThrownBy(() -> new FrontendConfig(v.listen(), v.forward(), v.backend(), v.frontendId(),
                0, v.connectTimeout(), v.flushInterval(), v.logLevel(), v.configFile()))
                .hasMessage("max-line-length: 0 out of range (1..1073741824)");
        assertThatThrownBy(() -> new FrontendConfig(v.listen(), v.forward(), v.backend(), v.frontendId(),
                v.maxLineLength(), Duration.ZERO, v.flushInterval(), v.logLevel(), v.configFile()))
                .hasMessage("connect-timeout: 0 out of range (1ms..10m)");
        assertThatThrownBy(() -> new FrontendConfig(v.listen(), v.forward(), v.backend(), v.frontendId(),
                v.maxLineLength(), Duration.ofNanos(500), v.flushInterval(), v.logLevel(), v.configFile()))
                .hasMessageStartingWith("connect-timeout: ");
        assertThatThrownBy(() -> new FrontendConfig(v.listen(), v.forward(), v.backend(), v.frontendId(),
                v.maxLineLength(), v.connectTimeout(), Duration.ofSeconds(11), v.logLevel(), v.configFile()))
                .hasMessage("flush-interval: 11s out of range (1ms..10s)");
        assertThatThrownBy(() -> new FrontendConfig(v.listen(), v.forward(), v.backend(), v.frontendId(),
                v.maxLineLength(), v.connectTimeout(), v.flushInterval(), "loud", v.configFile()))
                .hasMessage("log-level: 'LOUD' is not one of TRACE, DEBUG, INFO, WARN, ERROR");
    }

    @Test
    void listsTheKeysThatChanged() {
        FrontendConfig a = valid();
        FrontendConfig b = new FrontendConfig(a.listen(), Endpoint.parse("other:8001"), a.backend(), a.frontendId(),
                a.maxLineLength(), a.connectTimeout(), a.flushInterval(), "DEBUG", Optional.of(Path.of("f.properties")));
        assertThat(a.changedKeys(a)).isEmpty();
        assertThat(a.changedKeys(b)).containsExactly(ConfigKey.FORWARD, ConfigKey.LOG_LEVEL, ConfigKey.CONFIG);
    }
}
