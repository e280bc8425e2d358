package io.fooproxy.frontend.config;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrontendCommandLineTest {
    @TempDir
    Path dir;

    private static FrontendConfig load(String... args) {
        return FrontendCommandLine.parse(args).toConfig(() -> "box");
    }

    @Test
    void defaults() {
        FrontendConfig c = load();
        assertThat(c.listen()).isEqualTo(new Endpoint("", 8002));
        assertThat(c.forward()).isEqualTo(new Endpoint("localhost", 8001));
        assertThat(c.backend()).isEqualTo(new Endpoint("127.0.0.1", 9090));
        assertThat(c.frontendId()).isEqualTo("box:8002");
        assertThat(c.maxLineLength()).isEqualTo(65536);
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.flushInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.logLevel()).isEqualTo("INFO");
        assertThat(c.configFile()).isEmpty();
    }

    @Test
    void classicFlagsWithOneOrTwoDashesOrEquals() {
        FrontendConfig c = load("-listen", ":9002", "--forward", "upstream:7001", "-backend=10.0.0.5:9091",
                "--frontend-id=edge-1", "-max-line-length", "1024", "-connect-timeout", "500ms",
                "-flush-interval", "1s", "-log-level", "debug");
        assertThat(c.listen()).isEqualTo(new Endpoint("", 9002));
        assertThat(c.forward()).isEqualTo(new Endpoint("upstream", 7001));
        assertThat(c.backend()).isEqualTo(new Endpoint("10.0.0.5", 9091));
        assertThat(c.frontendId()).isEqualTo("edge-1");
        assertThat(c.maxLineLength()).isEqualTo(1024);
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.flushInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.logLevel()).isEqualTo("DEBUG");
    }

    @Test
    void limitsAndAccessRulesFromFlagsAndFile() throws IOException {
        Path file = write("max-connections=50\nmax-connections-per-ip=5\nclient-idle-timeout=10s\n"
                + "upstream-idle-timeout=4s\nreq-rate-per-ip=100\nreq-burst-per-ip=20\nallow=10.0.0.0/8, ::1/128\n"
                + "deny=10.9.0.0/16\ndrain-timeout=5s\n");
        FrontendConfig c = load("-config", file.toString(), "-max-connections", "60");
        assertThat(c.limits()).isEqualTo(new Limits(60, 5, Duration.ofSeconds(10), Duration.ofSeconds(4),
                Duration.ofSeconds(5), 65536, 100, 20, Duration.ofSeconds(5)));
        assertThat(c.valueOf(ConfigKey.ALLOW)).isEqualTo("10.0.0.0/8,::1/128");
        assertThat(c.valueOf(ConfigKey.DENY)).isEqualTo("10.9.0.0/16");

        FrontendConfig d = load();
        assertThat(d.limits()).isEqualTo(Limits.defaults());
        assertThat(d.access()).isEqualTo(AccessRules.ALLOW_ALL);
        for (ConfigKey key : ConfigKey.values()) {
            if (key != ConfigKey.FRONTEND_ID && key != ConfigKey.CONFIG) {
                assertThat(d.valueOf(key)).as("the default of %s as documented", key.key()).isEqualTo(key.defaultText());
            }
        }
        assertThatThrownBy(() -> load("-deny", "10.0.0.1/8")).hasMessageStartingWith("deny: '10.0.0.1/8' has address bits");
        assertThatThrownBy(() -> load("-allow", "intranet")).hasMessageStartingWith("allow: 'intranet' is not");
        assertThatThrownBy(() -> load("-max-connections", "0")).hasMessage("max-connections: 0 out of range (1..1000000)");
        assertThatThrownBy(() -> load("-drain-timeout", "soon")).hasMessageStartingWith("drain-timeout: ");
    }

    @Test
    void theShippedExampleFileLoadsAndSpellsOutEveryKey() throws IOException {
        Path example = Path.of("..", "deploy", "frontend.properties");
        FrontendConfig c = load("-config", example.toString());
        assertThat(c.limits()).isEqualTo(Limits.defaults());
        String text = Files.readString(example, UTF_8);
        for (ConfigKey key : ConfigKey.values()) {
            if (key != ConfigKey.CONFIG) {
                assertThat(text).as("deploy/frontend.properties documents %s", key.key()).contains(key.key() + "=");
            }
        }
        // The file is installed as /etc/foo-proxy/frontend.properties (deploy/install): a value
        // left behind when a default changes would quietly override the new default there.
        for (String line : text.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList()) {
            String key = line.substring(0, line.indexOf('='));
            String value = line.substring(line.indexOf('=') + 1);
            assertThat(ConfigKey.byKey(key)).as("key %s", key).isPresent();
            assertThat(value).as("deploy/frontend.properties %s", key)
                    .isEqualTo(ConfigKey.byKey(key).orElseThrow().defaultText());
        }
    }

    @Test
    void analyticsSettingsFromFlagsAndFileWithOneLineErrors() throws IOException {
        assertThat(load().analytics()).isEqualTo(AnalyticsSettings.defaults());
        Path file = write("analytics=off\nmax-outstanding-requests=100\n");
        FrontendConfig c = load("-config", file.toString(), "-max-clients-per-batch", "7");
        assertThat(c.analytics()).isEqualTo(new AnalyticsSettings(false, 100, 7));
        assertThat(c.valueOf(ConfigKey.ANALYTICS)).isEqualTo("false");
        assertThat(load("--analytics", "true").analytics().enabled()).isTrue();
        assertThatThrownBy(() -> load("-analytics", "maybe"))
                .hasMessage("analytics: 'maybe' is not true or false");
        assertThatThrownBy(() -> load("-max-outstanding-requests", "0"))
                .hasMessage("max-outstanding-requests: 0 out of range (1..1048576)");
        assertThatThrownBy(() -> load("-max-clients-per-batch", "2000000"))
                .hasMessage("max-clients-per-batch: 2000000 out of range (1..1048576)");
        assertThatThrownBy(() -> load("-max-clients-per-batch", "many"))
                .hasMessageStartingWith("max-clients-per-batch: 'many' is not a whole number");
    }

    @Test
    void transportIsChosenByNameOrAutomaticallyAndAnUnknownOneFailsNamingTheKey() throws IOException {
        assertThat(load().transport()).isEqualTo(TransportChoice.AUTO);
        assertThat(load("-transport", "EPOLL").transport()).isEqualTo(TransportChoice.EPOLL);
        assertThat(load("-config", write("transport=io_uring\n").toString()).valueOf(ConfigKey.TRANSPORT))
                .isEqualTo("io_uring");
        assertThat(load("-transport", "nio").transport()).isEqualTo(TransportChoice.NIO);
        assertThatThrownBy(() -> load("-transport", "kqueue"))
                .hasMessage("transport: 'kqueue' is not auto, io_uring, epoll or nio");
    }

    @Test
    void defaultFrontendIdFollowsTheListenPort() {
        assertThat(load("-listen", "127.0.0.1:7777").frontendId()).isEqualTo("box:7777");
    }

    @Test
    void configFileFillsInAndTheCommandLineWins() throws IOException {
        Path file = write("listen=:9100\nforward = up:7000\nlog-level: warn\n# a comment\nmax-line-length=2048\n");
        FrontendConfig c = load("-config", file.toString(), "-forward", "cli:7001");
        assertThat(c.listen()).isEqualTo(new Endpoint("", 9100));
        assertThat(c.forward()).isEqualTo(new Endpoint("cli", 7001));
        assertThat(c.logLevel()).isEqualTo("WARN");
        assertThat(c.maxLineLength()).isEqualTo(2048);
        assertThat(c.frontendId()).isEqualTo("box:9100");
        assertThat(c.configFile()).contains(file);
    }

    @Test
    void configFileIsReadAgainOnEachCall() throws IOException {
        Path file = write("log-level=INFO\n");
        FrontendCommandLine commandLine = FrontendCommandLine.parse("-config", file.toString());
        assertThat(commandLine.toConfig(() -> "box").logLevel()).isEqualTo("INFO");
        Files.writeString(file, "log-level=ERROR\n", UTF_8);
        assertThat(commandLine.toConfig(() -> "box").logLevel()).isEqualTo("ERROR");
    }

    @Test
    void badConfigFilesAreNamed() throws IOException {
        Path unknown = write("listen=:8002\nlisten-port=1\n");
        assertThatThrownBy(() -> load("-config", unknown.toString()))
                .isInstanceOf(ConfigException.class).hasMessage("listen-port: unknown key in " + unknown);
        Path nested = write("config=other.properties\n");
        assertThatThrownBy(() -> load("-config", nested.toString())).hasMessageStartingWith("config: ");
        Path missing = dir.resolve("missing.properties");
        assertThatThrownBy(() -> load("-config", missing.toString()))
                .hasMessage("config: cannot read " + missing + ": no such file");
        Path badValue = write("connect-timeout=soon\n");
        assertThatThrownBy(() -> load("-config", badValue.toString())).hasMessageStartingWith("connect-timeout: ");
    }

    @Test
    void badValuesNameTheirKeyOnOneLine() {
        assertThatThrownBy(() -> load("-listen", ":99999")).hasMessage("listen: port 99999 out of range");
        assertThatThrownBy(() -> load("-max-line-length", "lots")).hasMessage("max-line-length: 'lots' is not a whole number in range");
        assertThatThrownBy(() -> load("-max-line-length", "99999999999")).hasMessageStartingWith("max-line-length: ");
        assertThatThrownBy(() -> load("-connect-timeout", "5")).hasMessage("connect-timeout: '5' has no unit (use ms, s, m or h)");
        assertThatThrownBy(() -> load("-log-level", "chatty")).hasMessageStartingWith("log-level: ");
        assertThatThrownBy(() -> load("-forward", "nowhere")).hasMessageStartingWith("forward: ");
    }

    @Test
    void commandLineMistakesAreOneLine() {
        assertThatThrownBy(() -> FrontendCommandLine.parse("-bogus", "1"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("-bogus").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> FrontendCommandLine.parse("-listen"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("-listen").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> FrontendCommandLine.parse("stray"))
                .isInstanceOf(ConfigException.class).hasMessageNotContaining("\n");
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        FrontendCommandLine help = FrontendCommandLine.parse("-help");
        assertThat(help.helpRequested()).isTrue();
        assertThat(FrontendCommandLine.parse("--help").helpRequested()).isTrue();
        assertThat(FrontendCommandLine.parse().helpRequested()).isFalse();
        for (ConfigKey key : ConfigKey.values()) {
            assertThat(help.usage()).contains("-" + key.key()).contains(key.defaultText());
        }
        assertThat(help.usage()).contains("default: :8002", "default: localhost:8001", "default: 65536", "default: 5s");
    }

    private Path write(String content) throws IOException {
        Path file = Files.createTempFile(dir, "frontend", ".properties");
        Files.writeString(file, content, UTF_8);
        return file;
    }

    @Test
    void telemetryIsOnByDefaultAndOffOnlyWhenAsked() throws IOException {
        assertThat(load().telemetry()).isTrue();
        assertThat(load("-telemetry", "off").telemetry()).isFalse();
        assertThat(load("-config", write("telemetry=off\n").toString()).telemetry()).isFalse();
        assertThat(load("-telemetry", "off").valueOf(ConfigKey.TELEMETRY)).isEqualTo("off");
        assertThatThrownBy(() -> load("-telemetry", "no")).hasMessage("telemetry: 'no' is not on or off");
    }
}
