package io.fooproxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fooproxy.proto.stats.v1.GetStatsRequest;
import io.fooproxy.proto.stats.v1.Stats;
import io.fooproxy.proto.stats.v1.StatsServiceGrpc;
import io.fooproxy.testkit.fixture.FreePorts;
import io.fooproxy.testkit.fixture.JavaProcess;
import io.fooproxy.testkit.fixture.Ports;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real processes of one test: the reference Foo server, the backend and the frontend, each
 * a packaged jar started on free loopback ports with its logs in the test's directory. Closing
 * it kills whatever is still running.
 */
final class FooSystem implements AutoCloseable {
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final List<String> JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    final Path dir;
    final int upstreamPort = FreePorts.allocate();
    final int proxyPort = FreePorts.allocate();
    final int grpcPort = FreePorts.allocate();
    final int httpPort = FreePorts.allocate();

    private final List<JavaProcess> processes = new ArrayList<>();
    private List<String> launcher = List.of();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private ManagedChannel channel;

    FooSystem(Path dir) {
        this.dir = dir;
    }

    JavaProcess startUpstream(String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("server", "-listen", "127.0.0.1:" + upstreamPort));
        args.addAll(List.of(extraArgs));
        JavaProcess p = start("upstream", FooJars.testkit(), args);
        Ports.awaitListening("127.0.0.1", upstreamPort, START_TIMEOUT);
        return p;
    }

    JavaProcess startBackend(String... extraArgs) {
        List<String> args = new ArrayList<>(List.of(
                "-grpc", "127.0.0.1:" + grpcPort,
                "-http", "127.0.0.1:" + httpPort,
                "-recovery-path", dir.resolve("data/recovery.json").toString()));
        args.addAll(List.of(extraArgs));
        JavaProcess p = start("backend", FooJars.backend(), args);
        Ports.awaitListening("127.0.0.1", httpPort, START_TIMEOUT);
        Ports.awaitListening("127.0.0.1", grpcPort, START_TIMEOUT);
        return p;
    }

    JavaProcess startFrontend(String... extraArgs) {
        return startFrontendForwardingTo(upstreamPort, extraArgs);
    }

    JavaProcess startFrontendForwardingTo(int forwardPort, String... extraArgs) {
        return startFrontend(forwardPort, grpcPort, extraArgs);
    }

    /** A frontend whose telemetry goes to {@code backendPort} instead of this system's backend. */
    JavaProcess startFrontendWithBackendAt(int backendPort, String... extraArgs) {
        return startFrontend(upstreamPort, backendPort, extraArgs);
    }

    private JavaProcess startFrontend(int forwardPort, int backendPort, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of(
                "-listen", "127.0.0.1:" + proxyPort,
                "-forward", "127.0.0.1:" + forwardPort,
                "-backend", "127.0.0.1:" + backendPort,
                "-frontend-id", "e2e-frontend"));
        args.addAll(List.of(extraArgs));
        JavaProcess p = start("frontend", FooJars.frontend(), args);
        Ports.awaitListening("127.0.0.1", proxyPort, START_TIMEOUT);
        return p;
    }

    /** Runs the testkit's checking client through the proxy and returns its exit code and output. */
    ToolRun client(int requestsPerConnection, int connections, int depth) {
        return tool(FooJars.testkit(), "client", "-connect", "127.0.0.1:" + proxyPort,
                "-requests", Integer.toString(requestsPerConnection),
                "-connections", Integer.toString(connections), "-depth", Integer.toString(depth));
    }

    /**
     * Starts the testkit's load generator through the proxy as its own process: {@code
     * connections} connections with up to {@code depth} REQs in flight each, {@code rate} REQs a
     * second in all (0: as fast as answers come), for {@code seconds}. Read its result with
     * {@link #awaitLoad}.
     */
    JavaProcess startLoad(int connections, int depth, int rate, int seconds, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("load", "-connect", "127.0.0.1:" + proxyPort,
                "-connections", Integer.toString(connections), "-depth", Integer.toString(depth),
                "-rate", Integer.toString(rate), "-duration", seconds + "s"));
        args.addAll(List.of(extraArgs));
        return start("load", FooJars.testkit(), args);
    }

    /** Waits for a load generator to finish and reads its one JSON result line. */
    static LoadRun awaitLoad(JavaProcess load, Duration timeout) {
        int exit = load.awaitExit(timeout).orElseThrow(() -> new AssertionError(
                "the load generator did not finish within " + timeout + ": " + load.stderrText()));
        List<String> lines = load.stdoutLines();
        assertThat(lines).as("load result line; stderr: %s", load.stderrText()).isNotEmpty();
        String json = lines.get(lines.size() - 1);
        StatsLine result = new StatsLine(json);
        return new LoadRun(exit, result.integer("requests_sent"), result.integer("answers_received"),
                result.integer("errors"), result.number("answers_per_second"), json);
    }

    /**
     * The live heap of a Java process in bytes: {@code jcmd <pid> GC.class_histogram} runs a
     * full collection first and ends with the total of what survived it.
     */
    static long liveHeapBytes(JavaProcess process) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "GC.class_histogram")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("jcmd finished").isTrue();
            Matcher m = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$").matcher(out);
            assertThat(m.find()).as("histogram total in jcmd output:%n%s", out).isTrue();
            return Long.parseLong(m.group(1));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + jcmd + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Runs the stats CLI against the backend. */
    ToolRun cli(String... args) {
        List<String> all = new ArrayList<>(List.of("-backend", "127.0.0.1:" + grpcPort));
        all.addAll(List.of(args));
        return tool(FooJars.cli(), all.toArray(String[]::new));
    }

    ToolRun tool(Path jar, String... args) {
        String name = jar.getFileName().toString().replace(".jar", "") + "-" + args[0];
        try (JavaProcess p = start(name, jar, List.of(args))) {
            int exit = p.awaitExit(Duration.ofSeconds(60)).orElseThrow(
                    () -> new AssertionError(name + " did not finish within 60 s: " + p.stderrText()));
            return new ToolRun(exit, String.join("\n", p.stdoutLines()), p.stderrText());
        }
    }

    /** Processes started from now on run under this command, e.g. {@code nohup}. */
    void launchUnder(String... command) {
        launcher = List.of(command);
    }

    JavaProcess start(String name, Path jar, List<String> args) {
        JavaProcess p = JavaProcess.builder(name, jar).launcher(launcher).jvmArgs(JVM).args(args)
                .logDir(dir).workDir(dir).start();
        processes.add(p);
        return p;
    }

    HttpResponse<String> http(String path) {
        return http("GET", path);
    }

    HttpResponse<String> http(String method, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(5))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    StatsLine httpStats() {
        HttpResponse<String> response = http("/stats");
        assertThat(response.statusCode()).isEqualTo(200);
        return new StatsLine(response.body().strip());
    }

    Stats grpcStats() {
        if (channel == null) {
            channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
        }
        return StatsServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .getStats(GetStatsRequest.getDefaultInstance());
    }

    /** Sends SIGUSR2 and returns the stats line the process printed for it. */
    static StatsLine statsOnSignal(JavaProcess process) {
        int before = process.stdoutLines().size();
        process.signal("USR2");
        List<String> lines = org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(process::stdoutLines, l -> l.size() > before);
        return new StatsLine(lines.get(before));
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.shutdownNow();
        }
        for (JavaProcess p : processes) {
            p.close();
        }
    }

    record ToolRun(int exitCode, String stdout, String stderr) {}

    /** A load generator's exact counts and its throughput during the measurement. */
    record LoadRun(int exitCode, long requestsSent, long answersReceived, long errors,
            double answersPerSecond, String json) {}
}
