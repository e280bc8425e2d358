package io.fooproxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fooproxy.testkit.fixture.FreePorts;
import io.fooproxy.testkit.fixture.JavaProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The frontend as a real process, relaying between real sockets: transparency and failures. */
class RelayE2ETest {
    @TempDir
    Path dir;

    private FooSystem system;

    @BeforeEach
    void setUp() {
        system = new FooSystem(dir);
    }

    @AfterEach
    void tearDown() {
        system.close();
    }

    @Test
    void hundredConcurrentConnectionsAreRelayedByteForByteBothWaysThroughHalfClose() throws Exception {
        int answerBytes = 96 * 1024;
        try (RecordingUpstream upstream = new RecordingUpstream(answerBytes)) {
            system.startFrontendForwardingTo(upstream.port());
            ExecutorService clients = Executors.newFixedThreadPool(100);
            try {
                List<Future<Exchange>> exchanges = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    long seed = 1_000_003L * (i + 1);
                    exchanges.add(clients.submit(() -> exchange(seed, answerBytes)));
                }
                for (Future<Exchange> f : exchanges) {
                    Exchange e = f.get(60, TimeUnit.SECONDS);
                    assertThat(upstream.sawEndOfStream(e.seed)).as("client FIN reached the upstream").isTrue();
                    assertThat(upstream.received(e.seed)).as("client -> upstream bytes").isEqualTo(e.sent);
                    assertThat(e.received)
                            .as("upstream -> client bytes, including those sent after the client's FIN")
                            .isEqualTo(RecordingUpstream.answerFor(e.seed, answerBytes));
                }
            } finally {
                clients.shutdownNow();
            }
        }
    }

    /** Sends a seed and a mix of Foo lines and binary junk in odd-sized writes, half-closes, reads all. */
    private Exchange exchange(long seed, int answerBytes) throws IOException {
        Random random = new Random(seed);
        ByteBuffer payload = ByteBuffer.allocate(8 + 80 * 1024);
        payload.putLong(seed);
        int seq = 1;
        while (payload.remaining() > 200) {
            if (random.nextInt(4) == 0) {
                byte[] junk = new byte[1 + random.nextInt(150)];
                random.nextBytes(junk);
                payload.put(junk);
            } else {
                payload.put(("REQ " + seq++ + " data-" + random.nextInt() + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
        payload.put("REQ 999 no newline at the end".getBytes(StandardCharsets.US_ASCII));
        byte[] sent = new byte[payload.position()];
        payload.flip().get(sent);

        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", system.proxyPort), 5_000);
            socket.setSoTimeout(30_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            ExecutorService reader = Executors.newSingleThreadExecutor();
            try {
                Future<byte[]> received = reader.submit(in::readAllBytes);
                for (int off = 0; off < sent.length; ) {
                    int n = Math.min(sent.length - off, 1 + random.nextInt(4096));
                    out.write(sent, off, n);
                    off += n;
                }
                out.flush();
                socket.shutdownOutput();
                byte[] bytes = received.get(30, TimeUnit.SECONDS);
                assertThat(bytes.length).isEqualTo(answerBytes);
                return new Exchange(seed, sent, bytes);
            } catch (Exception e) {
                throw new IOException("connection " + seed + ": " + e, e);
            } finally {
                reader.shutdownNow();
            }
        }
    }

    private record Exchange(long seed, byte[] sent, byte[] received) {}

    @Test
    void testkitClientGetsEveryAnswerPipelinedAndNotOverHundredConnections() {
        system.startUpstream(); // fragments its answers at random points
        system.startFrontend();

        FooSystem.ToolRun single = system.client(300, 1, 1);
        assertThat(single.exitCode()).as(single.stderr()).isZero();
        assertThat(single.stdout()).endsWith("OK!");

        FooSystem.ToolRun pipelined = system.client(200, 100, 16);
        assertThat(pipelined.exitCode()).as(pipelined.stderr()).isZero();
        assertThat(pipelined.stdout()).endsWith("OK!");
    }

    @Test
    void unreachableUpstreamClosesThatClientAndTheFrontendKeepsServing() throws Exception {
        int nothingThere = FreePorts.allocate();
        JavaProcess frontend = system.startFrontendForwardingTo(nothingThere);
        // The start-up probe that saw the port open was a connection too, and the frontend may
        // not even have accepted it yet: count from once it has been accepted and closed (by
        // then whether it counted an upstream connect failure is settled, too).
        StatsLine before = await().atMost(Duration.ofSeconds(10))
                .until(() -> FooSystem.statsOnSignal(frontend),
                        s -> s.integer("connections_total") >= 1 && s.integer("connections_active") == 0);

        for (int i = 0; i < 2; i++) {
            try (Socket socket = new Socket("127.0.0.1", system.proxyPort)) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write("REQ 1 hello\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(readUntilClosed(socket.getInputStream())).isEmpty();
            }
        }

        assertThat(frontend.isAlive()).isTrue();
        assertThat(frontend.stderrText()).contains("127.0.0.1:" + nothingThere);
        // no backend runs in this test: the frontend answers SIGUSR2 from its own figures
        StatsLine stats = FooSystem.statsOnSignal(frontend);
        assertThat(stats.isStatsObject()).isTrue();
        assertThat(stats.string("source")).isEqualTo("frontend-local");
        assertThat(stats.string("backend_error")).isNotEmpty();
        assertThat(stats.integer("connections_total") - before.integer("connections_total")).isEqualTo(2);
        assertThat(stats.integer("upstream_connect_failures") - before.integer("upstream_connect_failures"))
                .isEqualTo(2);
        assertThat(stats.integer("connections_active")).isZero();
    }

    @Test
    void upstreamDyingMidConnectionClosesTheClientAndAFreshUpstreamIsUsedNext() throws Exception {
        JavaProcess upstream = system.startUpstream("-fragment", "false");
        JavaProcess frontend = system.startFrontend();

        try (Socket socket = new Socket("127.0.0.1", system.proxyPort)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write("REQ 1 before\n".getBytes(StandardCharsets.US_ASCII));
            String answer = readLine(in);
            assertThat(answer).matches("(ACK|NAK) 1( .*)?");

            upstream.kill9();

            assertThat(readUntilClosed(in)).isEmpty();
        }
        assertThat(frontend.isAlive()).isTrue();

        system.startUpstream();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            FooSystem.ToolRun run = system.client(50, 2, 4);
            assertThat(run.stdout()).endsWith("OK!");
        });
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("closed before a whole line: " + line);
            }
            line.append((char) b);
        }
        return line.toString();
    }

    /** Reads until the proxy closes the connection (FIN or reset); returns what arrived before. */
    private static byte[] readUntilClosed(InputStream in) throws IOException {
        try {
            return in.readAllBytes();
        } catch (SocketException reset) {
            return new byte[0];
        }
    }
}
