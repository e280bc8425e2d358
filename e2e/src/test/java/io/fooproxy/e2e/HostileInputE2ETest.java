package io.fooproxy.e2e;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fooproxy.testkit.config.Address;
import io.fooproxy.testkit.fixture.JavaProcess;
import io.fooproxy.testkit.load.LoadConfig;
import io.fooproxy.testkit.load.LoadGenerator;
import io.fooproxy.testkit.load.LoadResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile clients and upstreams against the real frontend process, each case while a
 * well-behaved testkit load runs through the same frontend: the load must get every answer,
 * right, and the frontend's counts must come out exact. The upstream is the testkit reference
 * server, in this JVM, whose next connection can be armed to misbehave ({@link ArmableUpstream}).
 *
 * <p>One frontend serves every case (client and upstream idle timeouts of 2 s so the timeouts
 * happen within the test); each case compares the frontend's figures before and after.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class HostileInputE2ETest {
    private static final Duration IDLE = Duration.ofSeconds(2);
    private static final int LOAD_CONNECTIONS = 4;

    private FooSystem system;
    private ArmableUpstream upstream;
    private Path config;
    private JavaProcess frontend;
    private ExecutorService pool;
    private ScheduledExecutorService ticker;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeAll
    void startFrontend(@TempDir Path dir) throws IOException {
        system = new FooSystem(dir);
        upstream = new ArmableUpstream();
        config = dir.resolve("frontend.properties");
        writeConfig(IDLE);
        frontend = system.startFrontendForwardingTo(upstream.port(), "-config", config.toString());
        // the start-up probe that saw the port open was a connection too: let it be accepted
        // and closed first (before it is accepted, no connection is active either)
        awaitStats(s -> s.integer("connections_total") >= 1 && s.integer("connections_active") == 0);
    }

    @AfterAll
    void stopAll() {
        system.close();
        upstream.close();
    }

    @BeforeEach
    void threads() {
        pool = Executors.newCachedThreadPool();
        ticker = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void closeSockets() throws InterruptedException {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing is all we want
            }
        }
        sockets.clear();
        ticker.shutdownNow();
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(frontend.isAlive()).as("the frontend survived").isTrue();
    }

    @Test
    void hundredMegabytesWithoutANewlineAreRelayedInFlatMemoryAndCountedOnce() throws Exception {
        StatsLine before = stats();
        long rssBefore = ProcessMemory.rssBytes(frontend.pid());
        Future<LoadResult> load = wellBehavedLoad(Duration.ofSeconds(6));
        AtomicLong peakRss = new AtomicLong(rssBefore);
        ticker.scheduleAtFixedRate(() -> peakRss.accumulateAndGet(ProcessMemory.rssBytes(frontend.pid()), Math::max),
                0, 50, TimeUnit.MILLISECONDS);

        long total = 100L << 20;
        try (Socket hostile = connect("127.0.0.2")) {
            OutputStream out = hostile.getOutputStream();
            out.write("REQ 1 ".getBytes(US_ASCII));
            byte[] chunk = new byte[1 << 20];
            Arrays.fill(chunk, (byte) 'a');
            for (long sent = 0; sent < total; sent += chunk.length) {
                out.write(chunk);
            }
            hostile.shutdownOutput();
            // the reference server never answers an unfinished line; at our FIN it closes
            assertThat(hostile.getInputStream().readAllBytes()).isEmpty();
        }

        LoadResult result = assertWellServed(load);
        StatsLine after = awaitStats(s -> s.integer("msg_req") - before.integer("msg_req") == result.requestsSent());
        assertThat(after.integer("msg_oversized") - before.integer("msg_oversized")).isEqualTo(1);
        assertThat(after.integer("msg_invalid") - before.integer("msg_invalid")).isZero();
        assertThat(after.integer("bytes_client_to_server") - before.integer("bytes_client_to_server"))
                .as("every byte relayed").isGreaterThan(total + 6);
        assertThat(after.responses() - before.responses()).isEqualTo(result.answersReceived());
        long grew = peakRss.get() - rssBefore;
        figure("100 MB line: frontend RSS %d MB before, peak %d MB", rssBefore >> 20, peakRss.get() >> 20);
        assertThat(grew).as("RSS growth while 100 MB went through (peak %d MB)", peakRss.get() >> 20)
                .isLessThan(48L << 20);
    }

    @Test
    void randomBinaryIsRelayedAndCountedAsInvalidLines() throws Exception {
        StatsLine before = stats();
        Future<LoadResult> load = wellBehavedLoad(Duration.ofSeconds(3));
        byte[] junk = new byte[8 << 20];
        new Random(7).nextBytes(junk);
        int lines = 0;
        for (int i = 0; i < junk.length; i++) {
            if (junk[i] == 'R') {
                junk[i] = 'r'; // no line of it can be a REQ, so the expected counts are simple
            }
            if (junk[i] == '\n') {
                lines++; // random lines average 256 bytes: each is invalid, none over 64 KiB
            }
        }
        try (Socket hostile = connect("127.0.0.3")) {
            Future<byte[]> answers = pool.submit(() -> hostile.getInputStream().readAllBytes());
            hostile.getOutputStream().write(junk);
            hostile.shutdownOutput();
            assertThat(answers.get(30, TimeUnit.SECONDS)).isEmpty();
        }

        LoadResult result = assertWellServed(load);
        int invalid = lines;
        StatsLine after = awaitStats(s -> s.integer("msg_invalid") - before.integer("msg_invalid") == invalid
                && s.integer("msg_req") - before.integer("msg_req") == result.requestsSent());
        assertThat(after.integer("msg_oversized") - before.integer("msg_oversized")).isZero();
        assertThat(after.responses() - before.responses()).isEqualTo(result.answersReceived());
        assertThat(after.integer("bytes_client_to_server") - before.integer("bytes_client_to_server"))
                .isGreaterThanOrEqualTo(junk.length);
    }

    @Test
    void fiveThousandIdleConnectionsAreHeldThenClosedByTheIdleTimeout() throws Exception {
        StatsLine before = stats();
        long rssBefore = ProcessMemory.rssBytes(frontend.pid());
        Future<LoadResult> load = wellBehavedLoad(Duration.ofSeconds(8));
        // 500 each from 127.0.0.10 .. 127.0.0.19, under the per-address limit of 1000
        // a longer idle timeout (SIGHUP) while they are opened, however slow the machine is today
        reload(Duration.ofSeconds(30));
        long started = System.nanoTime();
        List<Socket> idle = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            idle.add(connect("127.0.0." + (10 + i / 500)));
        }
        Duration opening = Duration.ofNanos(System.nanoTime() - started);
        StatsLine held = awaitStats(s -> s.integer("connections_active") >= 5000);
        long rssHeld = ProcessMemory.rssBytes(frontend.pid());
        figure("5000 idle: opened in %d ms, %d active, frontend RSS %d MB -> %d MB", opening.toMillis(),
                held.integer("connections_active"), rssBefore >> 20, rssHeld >> 20);
        reload(IDLE); // open connections use the reloaded timeout at their next check

        // nothing said for 2 s: every one of them is closed, and counted
        StatsLine after = awaitStats(s -> s.integer("client_idle_timeouts")
                - before.integer("client_idle_timeouts") >= 5000 && s.integer("connections_active") <= LOAD_CONNECTIONS);
        assertThat(after.integer("client_idle_timeouts") - before.integer("client_idle_timeouts")).isEqualTo(5000);
        assertThat(held.integer("connections_total") - before.integer("connections_total")).isGreaterThanOrEqualTo(5000);
        assertThat(after.integer("connections_rejected_per_ip") - before.integer("connections_rejected_per_ip")).isZero();
        assertThat(rssHeld - rssBefore).as("RSS for 5000 idle connections and their 5000 upstreams")
                .isLessThan(160L << 20);
        assertClosedWithNothingSent(idle.get(0));
        assertClosedWithNothingSent(idle.get(4999));

        LoadResult result = assertWellServed(load);
        StatsLine done = awaitStats(s -> s.integer("msg_req") - before.integer("msg_req") == result.requestsSent());
        assertThat(done.responses() - before.responses()).isEqualTo(result.answersReceived());
    }

    @Test
    void oneBytePerSecondIsClosedByTheIdleTimeout() throws Exception {
        StatsLine before = stats();
        Future<LoadResult> load = wellBehavedLoad(Duration.ofSeconds(4));
        Socket slowloris = connect("127.0.0.4");
        AtomicLong sent = new AtomicLong();
        long started = System.nanoTime();
        ticker.scheduleAtFixedRate(() -> {
            try {
                slowloris.getOutputStream().write('z'); // never an LF
                sent.incrementAndGet();
            } catch (IOException closed) {
                throw new IllegalStateException("closed by the frontend"); // ends the schedule
            }
        }, 0, 1, TimeUnit.SECONDS);

        assertClosedWithNothingSent(slowloris);
        Duration lived = Duration.ofNanos(System.nanoTime() - started);
        assertThat(lived).isBetween(IDLE.minusMillis(100), IDLE.plusSeconds(3));
        assertThat(sent.get()).isLessThanOrEqualTo(5);

        LoadResult result = assertWellServed(load);
        StatsLine after = awaitStats(s -> s.integer("msg_req") - before.integer("msg_req") == result.requestsSent());
        assertThat(after.integer("client_idle_timeouts") - before.integer("client_idle_timeouts")).isEqualTo(1);
        assertThat(after.responses() - before.responses()).isEqualTo(result.answersReceived());
        assertThat(after.integer("msg_invalid") - before.integer("msg_invalid")).as("an unfinished line").isZero();
    }

    @Test
    void connectionsResetMidLineLeaveNothingBehind() throws Exception {
        StatsLine before = stats();
        Future<LoadResult> load = wellBehavedLoad(Duration.ofSeconds(3));
        for (int i = 0; i < 50; i++) {
            Socket s = connect("127.0.0.5");
            s.getOutputStream().write(("REQ 1 complete\nREQ 2 cut off in the midd").getBytes(US_ASCII));
            s.setSoLinger(true, 0);
            s.close(); // a reset, with half a line sent
        }

        LoadResult result = assertWellServed(load);
        StatsLine after = awaitStats(s -> s.integer("connections_active") == before.integer("connections_active")
                && s.integer("connections_total") - before.integer("connections_total") == 50 + LOAD_CONNECTIONS);
        // REQ 1 reached the frontend unless the reset overtook it; REQ 2 never counts
        long hostileReqs = after.integer("msg_req") - before.integer("msg_req") - result.requestsSent();
        assertThat(hostileReqs).isBetween(0L, 50L);
        assertThat(after.integer("msg_invalid") - before.integer("msg_invalid")).isZero();
        assertThat(after.responses() - before.responses()).isGreaterThanOrEqualTo(result.answersReceived());
    }

    @Test
    void anUpstreamThatNeverAnswersIsTimedOut() throws Exception {
        StatsLine before = stats();
        Future<LoadResult> load = wellBehavedLoad(Duration.ofSeconds(5));
        awaitLoadConnected(before);
        ArmableUpstream.Armed silent = upstream.armNext(ArmableUpstream.Behaviour.SILENT);
        Socket client = connect("127.0.0.6");
        client.getOutputStream().write("REQ 1 anyone there?\n".getBytes(US_ASCII));
        long started = System.nanoTime();

        assertClosedWithNothingSent(client);
        assertThat(silent.accepted).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(IDLE.minusMillis(100), IDLE.plusSeconds(3));

        LoadResult result = assertWellServed(load);
        StatsLine after = awaitStats(s -> s.integer("msg_req") - before.integer("msg_req") == result.requestsSent() + 1);
        assertThat(after.integer("upstream_idle_timeouts") - before.integer("upstream_idle_timeouts")).isEqualTo(1);
        assertThat(after.integer("client_idle_timeouts") - before.integer("client_idle_timeouts")).isZero();
        assertThat(after.responses() - before.responses()).isEqualTo(result.answersReceived());
    }

    @Test
    void anUpstreamThatClosesAtOnceClosesItsClientAndNobodyElse() throws Exception {
        StatsLine before = stats();
        Future<LoadResult> load = wellBehavedLoad(Duration.ofSeconds(3));
        awaitLoadConnected(before);
        for (int i = 0; i < 3; i++) {
            ArmableUpstream.Armed closing = upstream.armNext(ArmableUpstream.Behaviour.CLOSE_AT_ONCE);
            Socket client = connect("127.0.0.7");
            // the upstream's FIN is passed on: the client reads the end of the stream at once
            assertClosedWithNothingSent(client);
            assertThat(closing.accepted).isTrue();
            client.close(); // and, as a client should, closes its side
        }

        LoadResult result = assertWellServed(load);
        StatsLine after = awaitStats(s -> s.integer("msg_req") - before.integer("msg_req") == result.requestsSent()
                && s.integer("connections_active") == before.integer("connections_active"));
        assertThat(after.responses() - before.responses()).isEqualTo(result.answersReceived());
        assertThat(after.integer("upstream_connect_failures") - before.integer("upstream_connect_failures")).isZero();
    }

    @Test
    void aClientThatNeverReadsItsAnswersIsThrottledNotBuffered() throws Exception {
        StatsLine before = stats();
        long rssBefore = ProcessMemory.rssBytes(frontend.pid());
        Future<LoadResult> load = wellBehavedLoad(Duration.ofSeconds(6));
        awaitLoadConnected(before);
        ArmableUpstream.Armed tracked = upstream.armNext(ArmableUpstream.Behaviour.COUNTED);
        Socket greedy = connect("127.0.0.8");
        greedy.setSendBufferSize(64 << 10);
        AtomicLong written = new AtomicLong();
        Future<?> writer = pool.submit(() -> {
            byte[] batch = new byte[64 << 10];
            StringBuilder requests = new StringBuilder();
            for (int seq = 1; requests.length() < batch.length - 32; seq++) {
                requests.append("REQ ").append(seq).append('\n');
            }
            byte[] bytes = requests.toString().getBytes(US_ASCII);
            OutputStream out = greedy.getOutputStream();
            // at most 2 GB: far more than every buffer on the way could hold
            while (written.get() < (2L << 30)) {
                out.write(bytes);
                written.addAndGet(bytes.length);
            }
            return null;
        });

        // the writer stalls while its connection is still open: the frontend stopped reading it
        // because its answers are not read, and the upstream stopped reading the frontend
        long stalledAt = awaitNoProgress(written::get);
        long answered = tracked.answered.sum();
        figure("never reads: client stalled after %d KB, upstream answered %d REQs, frontend RSS %d MB -> %d MB",
                stalledAt >> 10, answered, rssBefore >> 20, ProcessMemory.rssBytes(frontend.pid()) >> 20);
        assertThat(writer.isDone()).as("still open when it stalled").isFalse();
        assertThat(stalledAt).as("bytes the client got in before backpressure stopped it").isLessThan(256L << 20);
        assertThat(answered).as("REQs the upstream answered: what the buffers on the way hold")
                .isPositive().isLessThan(stalledAt / 6);
        assertThat(ProcessMemory.rssBytes(frontend.pid()) - rssBefore).as("frontend RSS growth")
                .isLessThan(64L << 20);

        // no progress for 2 s: the client idle timeout closes it, and its writer fails
        assertThat(catchFailure(writer)).isInstanceOf(IOException.class);
        LoadResult result = assertWellServed(load);
        StatsLine after = awaitStats(s -> s.integer("client_idle_timeouts") - before.integer("client_idle_timeouts") == 1);
        assertThat(after.integer("upstream_idle_timeouts") - before.integer("upstream_idle_timeouts")).isZero();
        assertThat(after.integer("msg_req") - before.integer("msg_req")).isGreaterThan(result.requestsSent());
    }

    // --- helpers -----------------------------------------------------------------------------

    private void writeConfig(Duration clientIdle) throws IOException {
        Files.writeString(config, "client-idle-timeout=" + clientIdle.toMillis() + "ms\n"
                + "upstream-idle-timeout=2s\nmax-connections=20000\nmax-connections-per-ip=1000\n");
    }

    /** Rewrites the config with this client idle timeout and waits until SIGHUP has applied it. */
    private void reload(Duration clientIdle) throws IOException {
        writeConfig(clientIdle);
        int applied = countOf(frontend.stderrText(), "reload: applied");
        LimitsE2ETest.assertSighupHandled(frontend);
        frontend.signal("HUP");
        await().atMost(Duration.ofSeconds(10)).until(() -> countOf(frontend.stderrText(), "reload: applied") > applied);
    }

    private static int countOf(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** A measured figure, for the build log. */
    private static void figure(String format, Object... args) {
        System.err.printf("[figures] " + format + "%n", args);
    }

    /** The testkit load generator through the frontend, at 400 REQ/s over 4 connections, in this JVM. */
    private Future<LoadResult> wellBehavedLoad(Duration duration) {
        LoadConfig config = LoadConfig.builder(new Address("127.0.0.1", system.proxyPort))
                .connections(LOAD_CONNECTIONS)
                .depth(4)
                .rate(400)
                .duration(duration)
                .drainTimeout(Duration.ofSeconds(5))
                .threads(1)
                .build();
        return pool.submit(() -> LoadGenerator.run(config));
    }

    private static LoadResult assertWellServed(Future<LoadResult> load) throws Exception {
        LoadResult result = load.get(60, TimeUnit.SECONDS);
        assertThat(result.errors()).as("load errors: %s", result.firstError()).isZero();
        assertThat(result.requestsSent()).isPositive();
        assertThat(result.answersReceived()).isEqualTo(result.requestsSent());
        return result;
    }

    /** Waits until the load's connections have their upstream connections (before arming one). */
    private void awaitLoadConnected(StatsLine before) {
        await().atMost(Duration.ofSeconds(10)).until(() -> stats().integer("connections_total")
                - before.integer("connections_total") >= LOAD_CONNECTIONS);
        long upstreams = upstream.accepted();
        await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ofMillis(200)).until(() -> upstream.accepted() == upstreams);
    }

    private StatsLine stats() {
        return FooSystem.statsOnSignal(frontend);
    }

    private StatsLine awaitStats(java.util.function.Predicate<StatsLine> condition) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(this::stats, condition);
    }

    /** Polls {@code value} until it stops growing for a second; returns it. */
    private static long awaitNoProgress(java.util.function.LongSupplier value) {
        long[] last = {-1};
        long[] since = {System.nanoTime()};
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            long now = value.getAsLong();
            if (now != last[0]) {
                last[0] = now;
                since[0] = System.nanoTime();
                return false;
            }
            return System.nanoTime() - since[0] > TimeUnit.SECONDS.toNanos(1);
        });
        return last[0];
    }

    private static Throwable catchFailure(Future<?> future) throws Exception {
        try {
            future.get(20, TimeUnit.SECONDS);
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        }
    }

    private Socket connect(String localAddress) throws IOException {
        Socket socket = new Socket();
        socket.setSoTimeout(15_000);
        socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        socket.connect(new InetSocketAddress("127.0.0.1", system.proxyPort), 5_000);
        sockets.add(socket);
        return socket;
    }

    /** The frontend closed the connection (EOF or reset) without sending a byte. */
    private static void assertClosedWithNothingSent(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        try {
            assertThat(in.read()).isEqualTo(-1);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("still open after " + socket.getSoTimeout() + " ms", e);
        } catch (SocketException reset) {
            assertThat(reset.getMessage()).containsIgnoringCase("reset");
        }
    }
}
