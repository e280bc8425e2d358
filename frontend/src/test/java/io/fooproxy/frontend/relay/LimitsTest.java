package io.fooproxy.frontend.relay;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fooproxy.frontend.config.AccessRules;
import io.fooproxy.frontend.config.Endpoint;
import io.fooproxy.frontend.config.FrontendConfig;
import io.fooproxy.frontend.config.Limits;
import io.fooproxy.frontend.config.LiveSettings;
import io.fooproxy.frontend.stats.LimitCounters;
import io.fooproxy.frontend.stats.LocalCounters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The relay's limits on real loopback sockets: refusals at accept, idle timeouts, the REQ quota,
 * the drain, and the reload of each. Clients come from several loopback addresses (127.0.0.x),
 * which Linux routes to this host, to tell per-address limits and rules apart.
 */
@Timeout(60)
class LimitsTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final LocalCounters counters = new LocalCounters(Clock.systemUTC());
    private final LimitCounters limitCounters = new LimitCounters();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    /** Paces what the test's clients and upstreams send (a slowloris, a slow answer). */
    private final ScheduledExecutorService ticker = Executors.newScheduledThreadPool(2);
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private LiveSettings settings;
    private FrontendServer server;
    private InetSocketAddress frontend;

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.stop(Duration.ZERO);
        }
        for (AutoCloseable c : cleanup) {
            c.close();
        }
        ticker.shutdownNow();
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void overMaxConnectionsIsAcceptedAndClosedAtOnceAndCounted() throws Exception {
        start(echo(), Limits.defaults().withMaxConnections(2), AccessRules.ALLOW_ALL);
        Socket a = connected("127.0.0.1");
        Socket b = connected("127.0.0.2");
        assertEchoes(a, "REQ 1\n");
        assertEchoes(b, "REQ 1\n");

        Socket third = connect("127.0.0.3");
        assertClosedWithNothingSent(third);
        assertThat(limitCounters.figures().rejectedMaxConnections()).isEqualTo(1);
        assertThat(counters.toStats().getConnectionsTotal()).as("a refused connection is not relayed").isEqualTo(2);

        a.close();
        await().atMost(WAIT).until(() -> server.openConnections() == 1);
        assertEchoes(connected("127.0.0.3"), "REQ 2\n");
        assertEchoes(b, "REQ 3\n");
    }

    @Test
    void overThePerAddressLimitOnlyThatAddressIsRefused() throws Exception {
        start(echo(), Limits.defaults().withMaxConnectionsPerIp(2), AccessRules.ALLOW_ALL);
        connected("127.0.0.2");
        connected("127.0.0.2");
        assertClosedWithNothingSent(connect("127.0.0.2"));
        assertEchoes(connected("127.0.0.1"), "REQ 1\n");
        assertThat(limitCounters.figures().rejectedPerIp()).isEqualTo(1);
        assertThat(server.addressesWithConnections()).isEqualTo(2);

        // a reload raises the limit: the next connection from that address is let in
        settings.apply(config(Limits.defaults().withMaxConnectionsPerIp(3), AccessRules.ALLOW_ALL));
        assertEchoes(connected("127.0.0.2"), "REQ 2\n");
    }

    @Test
    void accessRulesRefuseAtAcceptCountPerRuleAndReload() throws Exception {
        AccessRules rules = new AccessRules(AccessRules.parseList("127.0.0.0/30"), AccessRules.parseList("127.0.0.2"));
        start(echo(), Limits.defaults(), rules);

        assertEchoes(connected("127.0.0.1"), "REQ 1\n");
        assertClosedWithNothingSent(connect("127.0.0.2")); // denied
        assertClosedWithNothingSent(connect("127.0.0.9")); // not in the allow list
        assertClosedWithNothingSent(connect("127.0.0.9"));
        assertThat(limitCounters.figures().deniedByRule())
                .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("deny 127.0.0.2/32", 1L, "not in allow", 2L));
        assertThat(limitCounters.figures().denied()).isEqualTo(3);

        settings.apply(config(Limits.defaults(),
                new AccessRules(List.of(), AccessRules.parseList("127.0.0.1/32"))));
        assertEchoes(connected("127.0.0.2"), "REQ 2\n");
        assertEchoes(connected("127.0.0.9"), "REQ 3\n");
        assertClosedWithNothingSent(connect("127.0.0.1"));
        assertThat(limitCounters.figures().deniedByRule()).containsEntry("deny 127.0.0.1/32", 1L);
    }

    @Test
    void ipv6ClientsAreMatchedByIpv6Blocks() throws Exception {
        TestUpstream upstream = upstream(echo());
        settings = new LiveSettings(Limits.defaults(),
                new AccessRules(List.of(), AccessRules.parseList("::1/128")));
        server = new FrontendServer(configFor(new Endpoint("::1", 0), upstream.port(), Limits.defaults(),
                AccessRules.ALLOW_ALL), settings, Transport.preferred(), counters, limitCounters);
        frontend = server.start();

        Socket denied = new Socket();
        denied.setSoTimeout(10_000);
        denied.connect(frontend);
        assertClosedWithNothingSent(denied);
        assertThat(limitCounters.figures().deniedByRule()).containsEntry("deny ::1/128", 1L);

        settings.apply(config(Limits.defaults(), new AccessRules(AccessRules.parseList("::1/128"), List.of())));
        Socket allowed = new Socket();
        cleanup.add(allowed);
        allowed.setSoTimeout(10_000);
        allowed.connect(frontend);
        assertEchoes(allowed, "REQ 1\n");
    }

    @Test
    void aSilentClientAndAOneBytePerTickClientAreClosedAsIdle() throws Exception {
        start(echo(), Limits.defaults().withIdleTimeouts(Duration.ofMillis(300), Duration.ofSeconds(30)),
                AccessRules.ALLOW_ALL);
        Socket silent = connected("127.0.0.1");
        Socket slow = connected("127.0.0.1");
        Socket busy = connected("127.0.0.1");
        AtomicInteger trickled = new AtomicInteger();
        AtomicInteger echoed = new AtomicInteger();
        AtomicReference<Throwable> busyFailure = new AtomicReference<>();
        long started = System.nanoTime();
        // the slowloris: one byte (never an LF) every 50 ms; bounded by the test's end
        ticker.scheduleAtFixedRate(() -> {
            try {
                slow.getOutputStream().write('x');
                trickled.incrementAndGet();
            } catch (IOException closedByTheProxy) {
                throw new IllegalStateException("closed"); // ends the schedule
            }
        }, 0, 50, TimeUnit.MILLISECONDS);
        // a client that sends a line every 100 ms stays, however long that goes on
        ticker.scheduleAtFixedRate(() -> {
            try {
                assertEchoes(busy, "REQ " + echoed.incrementAndGet() + "\n");
            } catch (Throwable e) {
                busyFailure.compareAndSet(null, e);
                throw new IllegalStateException(e);
            }
        }, 0, 100, TimeUnit.MILLISECONDS);

        assertClosedWithNothingSent(silent);
        assertClosedWithNothingSent(slow);
        await().atMost(WAIT).until(() -> echoed.get() >= 15); // 1.5 s: five idle timeouts long
        assertThat(busyFailure.get()).isNull();
        assertThat(trickled.get()).as("bytes the slowloris got in before the close").isLessThan(40);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(1400));
        assertThat(limitCounters.figures().clientIdleTimeouts()).isEqualTo(2);
        assertThat(limitCounters.figures().upstreamIdleTimeouts()).isZero();
    }

    @Test
    void aClientWaitingForASlowAnswerIsNotIdleButASilentUpstreamTimesOut() throws Exception {
        // answers "REQ n" 600 ms later, except "REQ 99": never
        TestUpstream upstream = upstream(socket -> {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            for (String line = readLine(in); line != null; line = readLine(in)) {
                if (!line.equals("REQ 99")) {
                    byte[] answer = ("ACK " + line.substring(4) + "\n").getBytes(US_ASCII);
                    ticker.schedule(() -> {
                        out.write(answer);
                        return null;
                    }, 600, TimeUnit.MILLISECONDS);
                }
            }
        });
        startWith(upstream, Limits.defaults().withIdleTimeouts(Duration.ofMillis(200), Duration.ofMillis(1500)),
                AccessRules.ALLOW_ALL);

        Socket patient = connected("127.0.0.1");
        long asked = System.nanoTime();
        patient.getOutputStream().write("REQ 1\n".getBytes(US_ASCII));
        assertThat(readLine(patient.getInputStream())).isEqualTo("ACK 1");
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("longer than the client idle timeout")
                .isGreaterThan(Duration.ofMillis(500));
        assertThat(limitCounters.figures().clientIdleTimeouts()).isZero();

        Socket stuck = connected("127.0.0.1");
        stuck.getOutputStream().write("REQ 99\n".getBytes(US_ASCII));
        assertClosedWithNothingSent(stuck);
        assertThat(limitCounters.figures().upstreamIdleTimeouts()).isEqualTo(1);
        // and once answered, the patient client owes nothing and has nothing to say: idle
        assertClosedWithNothingSent(patient);
        assertThat(limitCounters.figures().clientIdleTimeouts()).isEqualTo(1);
    }

    @Test
    void overTheRequestQuotaReadingPausesAndEveryAnswerStillArrives() throws Exception {
        start(echo(), Limits.defaults().withReqQuota(20, 10), AccessRules.ALLOW_ALL);
        Socket client = connected("127.0.0.2");
        StringBuilder requests = new StringBuilder();
        for (int i = 1; i <= 40; i++) {
            requests.append("REQ ").append(i).append('\n');
        }
        // 40 REQs in one write: read as one chunk, relayed whole although 30 are over the quota
        assertEchoes(client, requests.toString());
        assertThat(limitCounters.figures().quotaPauses()).isEqualTo(1);

        // the debt (30 REQs at 20/s) is paid by not reading from that client for 1.5 s
        long started = System.nanoTime();
        assertEchoes(client, "REQ 41\n");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(1300));
        assertThat(counters.toStats().getMsgReq()).isEqualTo(41);
        assertThat(limitCounters.figures().clientIdleTimeouts()).as("a paused client is not idle").isZero();

        // another address has its own bucket
        Socket other = connected("127.0.0.3");
        long t = System.nanoTime();
        assertEchoes(other, "REQ 1\n");
        assertThat(Duration.ofNanos(System.nanoTime() - t)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void drainClosesIdleConnectionsAtOnceAndWaitsForAnswersInFlight() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        TestUpstream upstream = upstream(socket -> {
            InputStream in = socket.getInputStream();
            for (String line = readLine(in); line != null; line = readLine(in)) {
                answer.await(20, TimeUnit.SECONDS);
                socket.getOutputStream().write(("ACK " + line.substring(4) + " late\n").getBytes(US_ASCII));
            }
        });
        startWith(upstream, Limits.defaults(), AccessRules.ALLOW_ALL);
        Socket idle = connected("127.0.0.1");
        Socket waiting = connected("127.0.0.1");
        waiting.getOutputStream().write("REQ 7\n".getBytes(US_ASCII));
        await().atMost(WAIT).until(() -> counters.toStats().getMsgReq() == 1);

        long started = System.nanoTime();
        Future<?> stopping = pool.submit(() -> server.stop(Duration.ofSeconds(20)));
        assertClosedWithNothingSent(idle);
        assertThat(stopping).as("still waiting for the answer").isNotDone();
        answer.countDown();
        assertThat(readLine(waiting.getInputStream())).isEqualTo("ACK 7 late");
        assertThat(waiting.getInputStream().read()).as("closed once answered").isEqualTo(-1);
        stopping.get(10, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        server = null;
    }

    @Test
    void drainClosesWhatIsStillWaitingAtTheDeadline() throws Exception {
        TestUpstream upstream = upstream(socket -> socket.getInputStream().readAllBytes()); // never answers
        startWith(upstream, Limits.defaults(), AccessRules.ALLOW_ALL);
        Socket waiting = connected("127.0.0.1");
        waiting.getOutputStream().write("REQ 1\n".getBytes(US_ASCII));
        await().atMost(WAIT).until(() -> counters.toStats().getMsgReq() == 1);

        long started = System.nanoTime();
        server.stop(Duration.ofMillis(500));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        server = null;

        assertClosedWithNothingSent(waiting);
        assertThat(took).isBetween(Duration.ofMillis(450), Duration.ofSeconds(9));
    }

    // --- helpers -----------------------------------------------------------------------------

    private void start(TestUpstream.Handler handler, Limits limits, AccessRules access) throws IOException {
        startWith(upstream(handler), limits, access);
    }

    private void startWith(TestUpstream upstream, Limits limits, AccessRules access) throws IOException {
        FrontendConfig config = configFor(new Endpoint("127.0.0.1", 0), upstream.port(), limits, access);
        settings = LiveSettings.of(config);
        server = new FrontendServer(config, settings, Transport.preferred(), counters, limitCounters);
        frontend = server.start();
    }

    private FrontendConfig config(Limits limits, AccessRules access) {
        return configFor(new Endpoint("127.0.0.1", 0), 8001, limits, access);
    }

    private static FrontendConfig configFor(Endpoint listen, int upstreamPort, Limits limits, AccessRules access) {
        return new FrontendConfig(listen, new Endpoint("127.0.0.1", upstreamPort), new Endpoint("127.0.0.1", 9090),
                "test", Duration.ofMillis(50), "INFO", limits, access, Optional.empty());
    }

    /** Sends back each complete line, as a Foo server answers only complete REQs. */
    private static TestUpstream.Handler echo() {
        return socket -> {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            for (String line = readLine(in); line != null; line = readLine(in)) {
                out.write((line + "\n").getBytes(US_ASCII));
            }
        };
    }

    private TestUpstream upstream(TestUpstream.Handler handler) throws IOException {
        TestUpstream upstream = new TestUpstream(0, handler);
        cleanup.add(upstream);
        return upstream;
    }

    /** A connection from {@code localAddress} (a 127.0.0.x address) to the frontend. */
    private Socket connect(String localAddress) throws IOException {
        Socket socket = new Socket();
        cleanup.add(socket);
        socket.setSoTimeout(10_000);
        socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        socket.connect(frontend, 5_000);
        return socket;
    }

    /** A connection the frontend has admitted and connected upstream. */
    private Socket connected(String localAddress) throws IOException {
        long before = counters.toStats().getConnectionsTotal();
        Socket socket = connect(localAddress);
        await().atMost(WAIT).until(() -> counters.toStats().getConnectionsTotal() > before);
        return socket;
    }

    private static void assertEchoes(Socket socket, String line) throws IOException {
        socket.getOutputStream().write(line.getBytes(US_ASCII));
        assertThat(new String(socket.getInputStream().readNBytes(line.length()), US_ASCII)).isEqualTo(line);
    }

    /** The frontend closed the connection (EOF or reset) without sending a byte. */
    private static void assertClosedWithNothingSent(Socket socket) throws IOException {
        try {
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("still open after " + socket.getSoTimeout() + " ms", e);
        } catch (SocketException reset) {
            assertThat(reset.getMessage()).containsIgnoringCase("reset");
        }
    }

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
}
