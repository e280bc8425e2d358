package io.fooproxy.backend.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fooproxy.backend.recovery.RecoverySettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackendConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaults() {
        BackendConfig config = new ConfigLoader(BackendCommandLine.parse()).load();
        assertThat(config.grpc()).isEqualTo(new ListenAddress("127.0.0.1", 9090));
        assertThat(config.http()).isEqualTo(new ListenAddress("127.0.0.1", 8088));
        assertThat(config.recoveryPath()).isEqualTo(Path.of("data/recovery.json"));
        assertThat(config.persistInterval()).isEqualTo(Duration.ofMillis(250));
        // the flag's default (a constant String, for -help) and the recovery code's agree
        assertThat(config.persistInterval()).isEqualTo(RecoverySettings.DEFAULT_PERSIST_INTERVAL);
        assertThat(config.logLevel()).isEqualTo(LogLevel.INFO);
        assertThat(config.consumptionCycle()).isEqualTo(Duration.ofDays(1));
        assertThat(config.maxTrackedClients()).isEqualTo(1000);
        assertThat(config.topConsumers()).isEqualTo(10);
    }

    @Test
    void theDocumentedExampleFileLoadsWithItsDefaults() {
        BackendConfig c = new ConfigLoader(BackendCommandLine.parse("-config", "../deploy/backend.properties")).load();
        assertThat(c).isEqualTo(BackendConfig.fromSettings(Map.of()));
    }

    @Test
    void analyticsKeysAreValidatedWithOneLineNamingTheKey() {
        BackendConfig c = new ConfigLoader(BackendCommandLine.parse("-consumption-cycle", "1h",
                "--max-tracked-clients", "5000", "-top-consumers=25")).load();
        assertThat(c.analytics()).isEqualTo(new io.fooproxy.backend.analytics.AnalyticsSettings(Duration.ofHours(1), 5000, 25));
        assertError(Map.of("consumption-cycle", "5s"), "consumption-cycle: 5s out of range [10s, 366d]");
        assertError(Map.of("consumption-cycle", "400d"), "consumption-cycle: 400d out of range [10s, 366d]");
        assertError(Map.of("consumption-cycle", "90500ms"), "consumption-cycle: 90500ms is not a whole number of seconds");
        assertError(Map.of("consumption-cycle", "daily"),
                "consumption-cycle: expected a duration like 100ms, 1s or 2m, got 'daily'");
        assertError(Map.of("max-tracked-clients", "0"), "max-tracked-clients: 0 out of range [1, 100000]");
        assertError(Map.of("max-tracked-clients", "lots"), "max-tracked-clients: expected a whole number, got 'lots'");
        assertError(Map.of("top-consumers", "0"), "top-consumers: 0 out of range [1, 1000]");
        assertError(Map.of("top-consumers", "20", "max-tracked-clients", "10"),
                "top-consumers: 20 is more than max-tracked-clients (10)");
        BackendConfig a = BackendConfig.fromSettings(Map.of());
        assertThat(a.changedKeys(BackendConfig.fromSettings(Map.of("consumption-cycle", "1h", "top-consumers", "3"))))
                .containsExactly("consumption-cycle", "top-consumers");
        assertThat(Durations.format(Duration.ofDays(1))).isEqualTo("1d");
    }

    @Test
    void singleAndDoubleDashFlags() {
        BackendConfig config = new ConfigLoader(BackendCommandLine.parse(
                "-grpc", ":9191", "--http", "[::1]:8089", "-recovery-path=/tmp/r.json",
                "--persist-interval", "0.25s", "-log-level", "debug")).load();
        assertThat(config.grpc()).isEqualTo(new ListenAddress("", 9191));
        assertThat(config.http()).isEqualTo(new ListenAddress("::1", 8089));
        assertThat(config.http().toString()).isEqualTo("[::1]:8089");
        assertThat(config.recoveryPath()).isEqualTo(Path.of("/tmp/r.json"));
        assertThat(config.persistInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.logLevel()).isEqualTo(LogLevel.DEBUG);
    }

    @Test
    void flagsWinOverTheConfigFile() throws IOException {
        Path file = dir.resolve("backend.properties");
        Files.writeString(file, "# comment\ngrpc=127.0.0.1:7000\nhttp=127.0.0.1:7001\nlog-level=WARN\n");
        BackendConfig config = new ConfigLoader(BackendCommandLine.parse("-config", file.toString(), "-http", ":7002")).load();
        assertThat(config.grpc()).isEqualTo(new ListenAddress("127.0.0.1", 7000));
        assertThat(config.http()).isEqualTo(new ListenAddress("", 7002));
        assertThat(config.logLevel()).isEqualTo(LogLevel.WARN);
    }

    @Test
    void errorsNameTheKey() {
        assertError(Map.of("grpc", ":99999"), "grpc: port 99999 out of range");
        assertError(Map.of("http", "localhost"), "http: expected host:port, :port or [ipv6]:port, got 'localhost'");
        assertError(Map.of("http", "::1:80"), "http: IPv6 addresses need brackets, e.g. [::1]:9090");
        assertError(Map.of("grpc", "127.0.0.1:abc"), "grpc: port 'abc' is not a number");
        assertError(Map.of("persist-interval", "100"), "persist-interval: expected a duration like 100ms, 1s or 2m, got '100'");
        assertError(Map.of("persist-interval", "2s"), "persist-interval: 2s out of range [1ms, 1s]");
        assertError(Map.of("persist-interval", "0ms"), "persist-interval: 0s out of range [1ms, 1s]");
        assertError(Map.of("log-level", "LOUD"), "log-level: unknown level 'LOUD' (expected TRACE, DEBUG, INFO, WARN or ERROR)");
        assertError(Map.of("listen", ":8002"), "listen: unknown key");
        assertError(Map.of("grpc", ":9000", "http", "127.0.0.1:9000"), "http: same address as grpc (:9000)");
    }

    @Test
    void aDirectoryIsNotARecoveryFile() {
        assertError(Map.of("recovery-path", dir.toString()), "recovery-path: " + dir + " is a directory, expected a file path");
    }

    @Test
    void commandLineErrorsNameTheOption() {
        assertThatThrownBy(() -> BackendCommandLine.parse("-frobnicate"))
                .isInstanceOf(ConfigException.class).hasMessage("frobnicate: unknown option");
        assertThatThrownBy(() -> BackendCommandLine.parse("-grpc"))
                .isInstanceOf(ConfigException.class).hasMessage("grpc: missing value");
    }

    @Test
    void aMissingConfigFileIsAnError() {
        Path missing = dir.resolve("nope.properties");
        assertThatThrownBy(() -> new ConfigLoader(BackendCommandLine.parse("-config", missing.toString())).load())
                .isInstanceOf(ConfigException.class).hasMessage("config: cannot read " + missing + ": no such file");
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        assertThat(BackendCommandLine.parse("-help").helpRequested()).isTrue();
        assertThat(BackendCommandLine.parse("--help").helpRequested()).isTrue();
        String usage = BackendCommandLine.usage();
        assertThat(usage).contains("-grpc, --grpc=ADDR", "127.0.0.1:9090", "-http, --http=ADDR", "127.0.0.1:8088",
                "-recovery-path", "data/recovery.json", "-persist-interval", "250ms", "-log-level", "INFO",
                "-config", "-help", "-consumption-cycle", "1d", "-max-tracked-clients", "1000",
                "-top-consumers", "10");
    }

    @Test
    void changedKeys() {
        BackendConfig a = BackendConfig.fromSettings(Map.of());
        BackendConfig b = BackendConfig.fromSettings(Map.of("log-level", "DEBUG", "http", ":1234"));
        assertThat(a.changedKeys(a)).isEmpty();
        assertThat(a.changedKeys(b)).containsExactly("http", "log-level");
    }

    @Test
    void durationsRoundTrip() {
        assertThat(Durations.parse("k", "250us")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(Durations.parse("k", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.format(Duration.ofMillis(100))).isEqualTo("100ms");
        assertThat(Durations.format(Duration.ofSeconds(120))).isEqualTo("2m");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }

    private static void assertError(Map<String, String> settings, String message) {
        assertThatThrownBy(() -> BackendConfig.fromSettings(settings))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }
}
