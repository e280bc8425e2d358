package io.fooproxy.testkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fooproxy.testkit.server.ReferenceServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TestkitCliTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    private int run(String... args) {
        return TestkitCli.run(args, new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "server -listen :99999|config error: listen: port 99999 out of range",
            "server --listen nohostport|config error: listen: invalid address 'nohostport' (expected host:port or :port)",
            "server -nak-percent 101|config error: nak-percent: 101 is not between 0 and 100",
            "server -fragment maybe|config error: fragment: 'maybe' is not true or false",
            "server -delay 5q|config error: delay: invalid duration '5q' (expected e.g. 500ms, 10s, 2m)",
            "server -bogus 1|config error: bogus: unknown option",
            "client -connections 0|config error: connections: 0 is not between 1 and 100000",
            "client -requests 0|config error: requests: 0 is not between 1 and 1000000000",
            "client --depth x|config error: depth: 'x' is not an int",
            "load -duration 0s|config error: duration: must be above 0 and at most 24h",
            "load -rate -5|config error: rate: -5.0 is not between 0 (unlimited) and 1e9",
            "load -connect :0|config error: connect: port 0 cannot be connected to",
            "load -depth|config error: depth: value missing",
            "load -log-level LOUD|config error: log-level: 'LOUD' is not one of TRACE, DEBUG, INFO, WARN, ERROR",
            "frobnicate|config error: frobnicate: unexpected argument",
            "''|config error: command: missing (one of server, client, load)",
    })
    void badOptionsPrintOneLineAndExit2(String args, String line) {
        String[] argv = args.isEmpty() ? new String[0] : args.split(" ");
        assertThat(run(argv)).isEqualTo(2);
        assertThat(err()).isEqualTo(line + System.lineSeparator());
        assertThat(out()).isEmpty();
    }

    @Test
    void helpListsEveryOptionWithDefaults() {
        assertThat(run("load", "-help")).isZero();
        assertThat(out()).contains("-connections, --connections", "-depth, --depth", "-duration, --duration",
                "-rate, --rate", "-warmup, --warmup", "-config, --config", "-log-level, --log-level",
                "Default: 10s");
        assertThat(run("server", "--help")).isZero();
        assertThat(out()).contains("-listen, --listen", "Default: :8001", "-nak-percent", "-fragment", "-seed",
                "-delay");
    }

    @Test
    void clientPrintsDotsAndOkAndExits0() {
        try (ReferenceServer server = ReferenceServer.start(0)) {
            assertThat(run("client", "-connect", "127.0.0.1:" + server.port(), "--requests", "20",
                    "-connections", "3", "-depth", "2")).isZero();
            assertThat(out()).isEqualTo("......" + System.lineSeparator() + "OK!" + System.lineSeparator());
        }
    }

    @Test
    void configFileSuppliesDefaultsAndTheCommandLineWins() throws IOException {
        try (ReferenceServer server = ReferenceServer.start(0)) {
            Path file = tmp.resolve("client.properties");
            Files.writeString(file, "connect=127.0.0.1:" + server.port() + "\nrequests=20\nconnections = 4\n");

            assertThat(run("client", "-config", file.toString(), "-connections", "1")).isZero();
            assertThat(out()).isEqualTo(".." + System.lineSeparator() + "OK!" + System.lineSeparator());
        }
    }

    @Test
    void configFileWithAnUnknownKeyIsAConfigError() throws IOException {
        Path file = tmp.resolve("bad.properties");
        Files.writeString(file, "connections=2\nbogus=1\n");
        assertThat(run("load", "--config=" + file)).isEqualTo(2);
        assertThat(err()).startsWith("config error: bogus: unknown option in " + file);
        assertThat(run("load", "-config", tmp.resolve("missing.properties").toString())).isEqualTo(2);
        assertThat(err()).contains("config error: config: cannot read");
    }

    @Test
    void loadPrintsOneJsonLine() {
        try (ReferenceServer server = ReferenceServer.start(0)) {
            assertThat(run("load", "-connect", "127.0.0.1:" + server.port(), "-connections", "2", "-depth", "4",
                    "-duration", "400ms", "-threads", "1")).isZero();
            assertThat(out().lines()).singleElement().asString()
                    .startsWith("{\"requests_sent\":").contains("\"errors\":0", "\"latency_us\":{\"p50\":");
        }
    }

    @Test
    void loadWithErrorsExits1ButStillPrintsTheJson() {
        int port = io.fooproxy.testkit.fixture.FreePorts.allocate();
        assertThat(run("load", "-connect", "127.0.0.1:" + port, "-duration", "1s")).isEqualTo(1);
        assertThat(out()).startsWith("{\"requests_sent\":0,").contains("\"errors\":1");
    }
}
