package io.fooproxy.frontend.relay;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fooproxy.frontend.config.Endpoint;
import io.fooproxy.frontend.config.FrontendConfig;
import io.fooproxy.frontend.stats.LocalCounters;
import io.fooproxy.proto.stats.v1.Stats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The real relay on loopback, against plain-socket upstreams, with each transport. */
@Timeout(60)
class FrontendServerTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final LocalCounters counters = new LocalCounters(Clock.systemUTC());
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private FrontendServer server;
    private InetSocketAddress frontend;

    /** Every transport this machine has, for the behaviour each must have. */
    static Stream<Transport> transports() {
        Stream.Builder<Transport> all = Stream.<Transport>builder().add(Transport.nio());
        if (Transport.epollAvailable()) {
            all.add(Transport.epoll());
        }
        if (Transport.ioUringAvailable()) {
            all.add(Transport.ioUring());
        }
        return all.build();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.stop(Duration.ZERO);
        }
        for (AutoCloseable c : cleanup) {
            c.close();
        }
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @ParameterizedTest
    @MethodSource("transports")
    void relaysRandomBinaryBothWaysByteForByte(Transport transport) throws Exception {
        byte[] up = random(3 << 20, 1);
        byte[] down = random(3 << 20, 2);
        AtomicReference<byte[]> upstreamReceived = new AtomicReference<>();
        TestUpstream upstream = upstream(socket -> {
            Future<?> writer = pool.submit(() -> {
                writeInPieces(socket.getOutputStream(), down, 3);
                return null;
            });
            upstreamReceived.set(socket.getInputStream().readAllBytes());
            finish(writer);
            socket.shutdownOutput();
        });
        start(transport, upstream.port());

        try (Socket client = connect()) {
            Future<?> writer = pool.submit(() -> {
                writeInPieces(client.getOutputStream(), up, 4);
                client.shutdownOutput();
                return null;
            });
            byte[] received = client.getInputStream().readAllBytes();
            finish(writer);
            assertThat(received).as("upstream to client").isEqualTo(down);
        }
        await().atMost(WAIT).until(() -> upstreamReceived.get() != null);
        assertThat(upstreamReceived.get()).as("client to upstream").isEqualTo(up);
        await().atMost(WAIT).untilAsserted(() -> {
            Stats s = counters.toStats();
            assertThat(s.getBytesClientToServer()).isEqualTo(up.length);
            assertThat(s.getBytesServerToClient()).isEqualTo(down.length);
            assertThat(s.getConnectionsTotal()).isEqualTo(1);
            assertThat(s.getConnectionsActive()).isZero();
        });
        assertThat(server.openConnections()).isZero();
    }

    @ParameterizedTest
    @MethodSource("transports")
    void pipelinedRequestsGetTheirSplitAnswers(Transport transport) throws Exception {
        TestUpstream upstream = upstream(FrontendServerTest::answerLinesInPieces);
        start(transport, upstream.port());
        int n = 300;
        StringBuilder requests = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (int seq = 1; seq <= n; seq++) {
            requests.append("REQ ").append(seq).append(seq % 5 == 0 ? " payload " + seq : "").append('\n');
            expected.append(answer(seq));
        }

        try (Socket client = connect()) {
            client.getOutputStream().write(requests.toString().getBytes(US_ASCII)); // all at once
            byte[] answers = client.getInputStream().readNBytes(expected.length());
            assertThat(new String(answers, US_ASCII)).isEqualTo(expected.toString());
        }
        await().atMost(WAIT).untilAsserted(() -> {
            Stats s = counters.toStats();
            assertThat(s.getMsgReq()).isEqualTo(n);
            assertThat(s.getMsgAck()).isEqualTo(n / 2);
            assertThat(s.getMsgNak()).isEqualTo(n / 2);
            assertThat(s.getMsgTotal()).isEqualTo(2L * n);
            assertThat(s.getMsgInvalid()).isZero();
            assertThat(s.getConnectionsActive()).isZero();
        });
    }

    @ParameterizedTest
    @MethodSource("transports")
    void clientHalfCloseReachesTheUpstreamAndItsLateAnswersStillArrive(Transport transport) throws Exception {
        AtomicBoolean upstreamSawEof = new AtomicBoolean();
        byte[] bigData = new byte[16 << 20];
        Arrays.fill(bigData, (byte) 'z');
        TestUpstream upstream = upstream(socket -> {
            byte[] requests = socket.getInputStream().readAllBytes(); // returns at the client's FIN
            upstreamSawEof.set(new String(requests, US_ASCII).equals("REQ 1\nREQ 2\nREQ 3\n"));
            OutputStream out = socket.getOutputStream();
            out.write("ACK 1\nNAK 2\nACK 3 ".getBytes(US_ASCII));
            writeInPieces(out, bigData, 5);
            out.write('\n');
        });
        start(transport, upstream.port());

        try (Socket client = new Socket()) {
            // a small receive window makes the frontend wait for the client while half-closed
            client.setReceiveBufferSize(4096);
            client.setSoTimeout(20_000);
            client.connect(frontend);
            client.getOutputStream().write("REQ 1\nREQ 2\nREQ 3\n".getBytes(US_ASCII));
            client.shutdownOutput();

            byte[] received = client.getInputStream().readAllBytes(); // to the upstream's FIN
            String head = "ACK 1\nNAK 2\nACK 3 ";
            assertThat(received).hasSize(head.length() + bigData.length + 1);
            assertThat(new String(received, 0, head.length(), US_ASCII)).isEqualTo(head);
            assertThat(received[received.length - 1]).isEqualTo((byte) '\n');
        }
        assertThat(upstreamSawEof).isTrue();
        await().atMost(WAIT).untilAsserted(() -> {
            Stats s = counters.toStats();
            assertThat(s.getMsgReq()).isEqualTo(3);
            assertThat(s.getMsgAck()).isEqualTo(1);
            assertThat(s.getMsgNak()).isEqualTo(1);
            assertThat(s.getMsgOversized()).isEqualTo(1);
            assertThat(s.getConnectionsActive()).isZero();
        });
    }

    @ParameterizedTest
    @MethodSource("transports")
    void clientHalfCloseWithShortAnswersWorksOnEveryTransport(Transport transport) throws Exception {
        TestUpstream upstream = upstream(socket -> {
            byte[] requests = socket.getInputStream().readAllBytes(); // returns at the client's FIN
            String answers = new String(requests, US_ASCII).replace("REQ", "ACK");
            socket.getOutputStream().write(answers.getBytes(US_ASCII));
        });
        start(transport, upstream.port());

        try (Socket client = connect()) {
            client.getOutputStream().write("REQ 1\nREQ 2 x\n".getBytes(US_ASCII));
            client.shutdownOutput();
            assertThat(new String(client.getInputStream().readAllBytes(), US_ASCII)).isEqualTo("ACK 1\nACK 2 x\n");
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(counters.toStats().getConnectionsActive()).isZero());
    }

    @ParameterizedTest
    @MethodSource("transports")
    void upstreamClosingAfterItsAnswerClosesTheClientAfterTheAnswer(Transport transport) throws Exception {
        TestUpstream upstream = upstream(socket -> {
            readLine(socket.getInputStream());
            socket.getOutputStream().write("ACK 1 bye\n".getBytes(US_ASCII));
        }); // returning closes the upstream socket
        start(transport, upstream.port());

        try (Socket client = connect()) {
            client.getOutputStream().write("REQ 1\n".getBytes(US_ASCII));
            assertThat(new String(client.getInputStream().readAllBytes(), US_ASCII)).isEqualTo("ACK 1 bye\n");
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(counters.toStats().getConnectionsActive()).isZero());
    }

    @Test
    void unreachableUpstreamClosesTheClientAndTheServerKeepsServing() throws Exception {
        int port = freePort();
        start(Transport.preferred(), port);

        try (Socket client = connect()) {
            assertClosedByPeer(client);
        }
        await().atMost(WAIT).untilAsserted(() -> {
            Stats s = counters.toStats();
            assertThat(s.getUpstreamConnectFailures()).isEqualTo(1);
            assertThat(s.getConnectionsActive()).isZero();
        });

        // the upstream comes up on that port: the next client is relayed
        upstream(port, FrontendServerTest::answerLinesInPieces);
        try (Socket client = connect()) {
            client.getOutputStream().write("REQ 2\n".getBytes(US_ASCII));
            assertThat(new String(client.getInputStream().readNBytes(6), US_ASCII)).isEqualTo("ACK 2\n");
        }
        assertThat(counters.toStats().getUpstreamConnectFailures()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("transports")
    void upstreamDyingMidConnectionClosesTheClient(Transport transport) throws Exception {
        TestUpstream upstream = upstream(socket -> {
            readLine(socket.getInputStream());
            socket.setSoLinger(true, 0); // close with a reset, as a crashing server does
        });
        start(transport, upstream.port());

        try (Socket client = connect()) {
            client.getOutputStream().write("REQ 1\n".getBytes(US_ASCII));
            assertClosedByPeer(client);
        }
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(counters.toStats().getConnectionsActive()).isZero();
            assertThat(server.openConnections()).isZero();
        });
    }

    @ParameterizedTest
    @MethodSource("transports")
    void clientsThatResetRightAfterConnectingAreCountedOpenedAndClosed(Transport transport) throws Exception {
        // drains without answering: an echo would send "REQ 1" back, an invalid line whenever it
        // reached the frontend before the client's reset did
        TestUpstream upstream = upstream(socket -> socket.getInputStream().transferTo(OutputStream.nullOutputStream()));
        start(transport, upstream.port());
        int clients = 20;
        for (int i = 0; i < clients; i++) {
            try (Socket client = connect()) {
                client.getOutputStream().write("REQ 1 complete\nREQ 2 cut off".getBytes(US_ASCII));
                client.setSoLinger(true, 0); // a reset, before the relay has looked at the connection
            }
        }
        // each one was accepted by the kernel, so each is a connection opened and closed: none may
        // slip through uncounted because it was gone before its peer address was looked up
        await().atMost(WAIT).untilAsserted(() -> {
            Stats s = counters.toStats();
            assertThat(s.getConnectionsTotal()).isEqualTo(clients);
            assertThat(s.getConnectionsActive()).as("active").isZero();
            assertThat(s.getMsgReq()).isBetween(0L, (long) clients); // REQ 1 only, unless the reset overtook it
            assertThat(s.getMsgInvalid()).as("invalid").isZero();
        });
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void manyConcurrentClientsEachGetTheirOwnAnswers() throws Exception {
        TestUpstream upstream = upstream(FrontendServerTest::answerLinesInPieces);
        start(Transport.preferred(), upstream.port());
        int clients = 25;
        int perClient = 40;
        List<Future<String>> results = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int offset = c * 1000;
            results.add(pool.submit(() -> {
                try (Socket client = connect()) {
                    StringBuilder requests = new StringBuilder();
                    StringBuilder expected = new StringBuilder();
                    for (int i = 1; i <= perClient; i++) {
                        requests.append("REQ ").append(offset + i).append('\n');
                        expected.append(answer(offset + i));
                    }
                    client.getOutputStream().write(requests.toString().getBytes(US_ASCII));
                    String got = new String(client.getInputStream().readNBytes(expected.length()), US_ASCII);
                    return got.equals(expected.toString()) ? "ok" : got;
                }
            }));
        }
        for (Future<String> r : results) {
            assertThat(r.get(30, TimeUnit.SECONDS)).isEqualTo("ok");
        }
        await().atMost(WAIT).untilAsserted(() -> {
            Stats s = counters.toStats();
            assertThat(s.getMsgReq()).isEqualTo((long) clients * perClient);
            assertThat(s.getMsgAck() + s.getMsgNak()).isEqualTo((long) clients * perClient);
            assertThat(s.getConnectionsTotal()).isEqualTo(clients);
            assertThat(s.getConnectionsActive()).isZero();
        });
    }

    @Test
    void stopClosesOpenConnectionsAndStopsAccepting() throws Exception {
        TestUpstream upstream = upstream(socket -> socket.getInputStream().transferTo(socket.getOutputStream()));
        start(Transport.preferred(), upstream.port());
        Socket client = connect();
        cleanup.add(client);
        client.getOutputStream().write("REQ 1\n".getBytes(US_ASCII));
        assertThat(client.getInputStream().readNBytes(6)).isEqualTo("REQ 1\n".getBytes(US_ASCII));

        server.stop(Duration.ofMillis(100));

        assertClosedByPeer(client);
        assertThatThrownBy(this::connect).isInstanceOf(ConnectException.class);
        server.stop(Duration.ZERO); // a second stop is harmless
    }

    @Test
    void listenPortInUseFailsWithOneClearMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            FrontendServer second = new FrontendServer(
                    config(new Endpoint("127.0.0.1", taken.getLocalPort()), 8001), Transport.preferred(), counters);
            assertThatThrownBy(second::start)
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ")
                    .hasMessageContaining("in use");
            second.stop(Duration.ZERO);
        }
    }

    // --- helpers -----------------------------------------------------------------------------

    @Test
    void periodicTasksRunOnTheAcceptingLoopAndOutliveAFailingRun() throws Exception {
        TestUpstream upstream = upstream(socket -> { });
        server = new FrontendServer(config(new Endpoint("127.0.0.1", 0), upstream.port()), Transport.nio(), counters);
        assertThatThrownBy(() -> server.runPeriodically(() -> { }, Duration.ofMillis(10)))
                .isInstanceOf(IllegalStateException.class);
        frontend = server.start();

        AtomicInteger runs = new AtomicInteger();
        AtomicReference<String> thread = new AtomicReference<>();
        server.runPeriodically(() -> {
            thread.set(Thread.currentThread().getName());
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("the first run fails");
            }
        }, Duration.ofMillis(10));

        await().atMost(WAIT).until(() -> runs.get() >= 3);
        assertThat(thread.get()).startsWith("frontend-accept");
    }

    private void start(Transport transport, int upstreamPort) throws IOException {
        server = new FrontendServer(config(new Endpoint("127.0.0.1", 0), upstreamPort), transport, counters);
        frontend = server.start();
    }

    private static FrontendConfig config(Endpoint listen, int upstreamPort) {
        return new FrontendConfig(listen, new Endpoint("127.0.0.1", upstreamPort), new Endpoint("127.0.0.1", 9090),
                "test", Duration.ofMillis(50), "INFO", Optional.empty());
    }

    private TestUpstream upstream(TestUpstream.Handler handler) throws IOException {
        return upstream(0, handler);
    }

    private TestUpstream upstream(int port, TestUpstream.Handler handler) throws IOException {
        TestUpstream upstream = new TestUpstream(port, handler);
        cleanup.add(upstream);
        return upstream;
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.setSoTimeout(20_000);
        socket.connect(frontend, 5_000);
        return socket;
    }

    /** Answers each REQ line with ACK (even seq) or NAK (odd seq), each answer in three writes. */
    private static void answerLinesInPieces(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        for (String line = readLine(in); line != null; line = readLine(in)) {
            String seq = line.split(" ")[1];
            byte[] answer = answer(Long.parseLong(seq)).getBytes(US_ASCII);
            out.write(answer, 0, 2); // servers split answers anywhere
            out.flush();
            out.write(answer, 2, 3);
            out.flush();
            out.write(answer, 5, answer.length - 5);
            out.flush();
        }
    }

    private static String answer(long seq) {
        return (seq % 2 == 0 ? "ACK " : "NAK ") + seq + "\n";
    }

    /** One line without its LF; null at the end of the stream. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(US_ASCII);
            }
            line.write(b);
        }
        return line.toString(US_ASCII);
    }

    private static void writeInPieces(OutputStream out, byte[] data, long seed) throws IOException {
        Random random = new Random(seed);
        for (int i = 0; i < data.length; ) {
            int n = Math.min(data.length - i, 1 + random.nextInt(70_000));
            out.write(data, i, n);
            i += n;
        }
        out.flush();
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** The peer closed: EOF, or a reset surfacing as an exception. */
    private static void assertClosedByPeer(Socket client) {
        try {
            assertThat(client.getInputStream().read()).isEqualTo(-1);
        } catch (IOException e) {
            assertThat(e.getMessage()).containsIgnoringCase("reset");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void finish(Future<?> future) throws Exception {
        future.get(30, TimeUnit.SECONDS);
    }
}
