package io.fooproxy.e2e;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fooproxy.testkit.fixture.JavaProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits and access rules from a config file, their reload on SIGHUP (in both processes),
 * and the drain on SIGTERM, with the real processes.
 */
@Timeout(90)
class LimitsE2ETest {
    private static final String IGNORED_SIGHUP = "SIGHUP was ignored by the parent process";

    @TempDir
    Path dir;

    private FooSystem system;
    private ArmableUpstream upstream;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void setUp() {
        system = new FooSystem(dir);
    }

    @AfterEach
    void tearDown() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        system.close();
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void limitsAndAccessRulesComeFromTheFileAndSighupAppliesThemButNotRestartKeys() throws Exception {
        upstream = new ArmableUpstream();
        Path config = dir.resolve("frontend.properties");
        Files.writeString(config, "max-connections-per-ip=3\ndeny=127.0.0.3/32\nlog-level=INFO\n");
        JavaProcess frontend = system.startFrontendForwardingTo(upstream.port(), "-config", config.toString());

        assertRefused(connect("127.0.0.3"));
        for (int i = 0; i < 3; i++) {
            assertAnswered(connect("127.0.0.2"), i + 1);
        }
        assertRefused(connect("127.0.0.2"));
        StatsLine first = FooSystem.statsOnSignal(frontend);
        assertThat(first.integer("connections_denied")).isEqualTo(1);
        assertThat(first.json()).contains("\"denied_by_rule\":{\"deny 127.0.0.3/32\":1}");
        assertThat(first.integer("connections_rejected_per_ip")).isEqualTo(1);
        assertThat(frontend.stderrText()).doesNotContain("refused 127.0.0.2"); // a DEBUG line

        // new rules, a higher limit, DEBUG, and a key that only a restart can change
        Files.writeString(config, "max-connections-per-ip=5\ndeny=127.0.0.4/32\nlog-level=DEBUG\n"
                + "flush-interval=1s\n");
        assertSighupHandled(frontend);
        frontend.signal("HUP");
        await().atMost(Duration.ofSeconds(10)).until(() -> frontend.stderrText().contains("need a restart"));
        String log = frontend.stderrText();
        assertThat(log).contains("max-connections-per-ip '3' -> '5'", "deny '127.0.0.3/32' -> '127.0.0.4/32'",
                "log-level 'INFO' -> 'DEBUG'");
        assertThat(log).containsPattern("need a restart to take effect .*: flush-interval");

        assertAnswered(connect("127.0.0.3"), 1); // no longer denied
        assertAnswered(connect("127.0.0.2"), 9); // a 4th and 5th from .2 now fit
        assertAnswered(connect("127.0.0.2"), 10);
        assertRefused(connect("127.0.0.2"));
        assertRefused(connect("127.0.0.4"));
        await().atMost(Duration.ofSeconds(5)).until(() -> frontend.stderrText().contains("refused 127.0.0.4: deny"));

        // a file that no longer parses changes nothing
        Files.writeString(config, "max-connections-per-ip=lots\n");
        frontend.signal("HUP");
        await().atMost(Duration.ofSeconds(10)).until(() -> frontend.stderrText().contains(
                "reload rejected, keeping the running settings: config error: max-connections-per-ip: 'lots'"));
        assertRefused(connect("127.0.0.4"));
        StatsLine last = FooSystem.statsOnSignal(frontend);
        assertThat(last.json()).contains("\"deny 127.0.0.3/32\":1", "\"deny 127.0.0.4/32\":2");
        assertThat(last.integer("connections_rejected_per_ip")).isEqualTo(2);
        assertThat(frontend.isAlive()).isTrue();
    }

    @Test
    void sigtermClosesIdleConnectionsAtOnceAndLetsAnswersInFlightArrive() throws Exception {
        upstream = new ArmableUpstream(Duration.ofMillis(1500)); // every answer 1.5 s late
        JavaProcess frontend = system.startFrontendForwardingTo(upstream.port(), "-drain-timeout", "20s");
        Socket idle = connect("127.0.0.1");
        assertAnswered(idle, 1); // connected upstream, nothing outstanding now
        Socket waiting = connect("127.0.0.1");
        waiting.getOutputStream().write("REQ 7 slow\n".getBytes(US_ASCII));
        await().atMost(Duration.ofSeconds(5)).until(() -> FooSystem.statsOnSignal(frontend).integer("msg_req") == 2);

        long started = System.nanoTime();
        frontend.signal("TERM");

        assertClosed(idle);
        Duration idleClosedAfter = Duration.ofNanos(System.nanoTime() - started);
        assertThat(idleClosedAfter).as("no REQ in flight: closed at once").isLessThan(Duration.ofMillis(1200));
        assertThatThrownBy(() -> connect("127.0.0.1")).as("no longer accepting").isInstanceOf(ConnectException.class);

        assertThat(readLine(waiting.getInputStream())).startsWith("ACK 7 ").isNotNull();
        assertClosed(waiting);
        Duration answeredAfter = Duration.ofNanos(System.nanoTime() - started);
        assertThat(answeredAfter).isBetween(Duration.ofMillis(1000), Duration.ofSeconds(10));

        assertThat(frontend.awaitExit(Duration.ofSeconds(30))).hasValue(0);
        assertThat(frontend.stderrText()).contains("drained: every connection closed within the deadline");
    }

    @Test
    void backendAppliesItsLogLevelOnSighupAndNamesRestartKeys() throws Exception {
        Path config = dir.resolve("backend.properties");
        Files.writeString(config, "log-level=INFO\npersist-interval=100ms\n");
        JavaProcess backend = system.startBackend("-config", config.toString());

        Files.writeString(config, "log-level=DEBUG\npersist-interval=200ms\n");
        assertSighupHandled(backend);
        backend.signal("HUP");
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.stderrText().contains("applied log-level"));
        assertThat(backend.stderrText()).contains("changed keys that need a restart: persist-interval");
        // DEBUG is in force: the stop leaves a DEBUG line behind that INFO would have hidden
        assertThat(backend.stderrText()).doesNotContain("HTTP server stopped");
        assertThat(backend.stop(Duration.ofSeconds(20))).isZero();
        assertThat(backend.stderrText()).contains("DEBUG", "HTTP server stopped");
    }

    @Test
    void underNohupBothProcessesWarnThatSighupStaysIgnored() {
        system.launchUnder("nohup");
        JavaProcess backend = system.startBackend();
        JavaProcess frontend = system.startFrontend();

        // the handlers are installed before the ports open, so the warning is already there
        for (JavaProcess p : List.of(backend, frontend)) {
            assertThat(p.stderrText()).contains("WARN", IGNORED_SIGHUP, "is not reloaded on SIGHUP");
        }
    }

    // --- helpers -----------------------------------------------------------------------------

    /** The SIGHUP tests need SIGHUP at its default: they fail under nohup, and this says why. */
    static void assertSighupHandled(JavaProcess process) {
        assertThat(process.stderrText()).as("SIGHUP is ignored: run the tests without nohup")
                .doesNotContain(IGNORED_SIGHUP);
    }

    private Socket connect(String localAddress) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.setSoTimeout(10_000);
        socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        socket.connect(new InetSocketAddress("127.0.0.1", system.proxyPort), 5_000);
        return socket;
    }

    /** Sends REQ seq and reads its answer (the reference server upstream). */
    private static void assertAnswered(Socket socket, int seq) throws IOException {
        socket.getOutputStream().write(("REQ " + seq + " hello\n").getBytes(US_ASCII));
        assertThat(readLine(socket.getInputStream())).matches("(ACK|NAK) " + seq + "( .*)?");
    }

    /** Accepted, then closed with nothing sent: what a refused client sees. */
    private static void assertRefused(Socket socket) throws IOException {
        assertClosed(socket);
    }

    private static void assertClosed(Socket socket) throws IOException {
        try {
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("still open", e);
        } catch (SocketException reset) {
            assertThat(reset.getMessage()).containsIgnoringCase("reset");
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("closed before a whole line: " + line.toString(US_ASCII));
            }
            line.write(b);
        }
        return line.toString(US_ASCII);
    }
}
