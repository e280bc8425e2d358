package io.fooproxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fooproxy.testkit.fixture.FreePorts;
import io.fooproxy.testkit.fixture.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product as users meet it: {@code deploy/run} starts the real supervisord with the
 * project's own supervisord.conf (on free ports, in a temporary directory), traffic goes
 * through, each program is killed with -9 in turn and comes back, and the numbers hold.
 */
class SupervisordE2ETest {
    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path runDir;

    private final int proxyPort = FreePorts.allocate();
    private final int httpPort = FreePorts.allocate();
    private final int grpcPort = FreePorts.allocate();
    private final int upstreamPort = FreePorts.allocate();
    private final HttpClient http = HttpClient.newHttpClient();
    private FooSystem tools;

    @BeforeEach
    void setUp() {
        tools = new FooSystem(runDir.resolve("tools"));
    }

    @AfterEach
    void tearDown() throws Exception {
        tools.close();
        script("deploy/stop");
        Path pidFile = runDir.resolve("supervisord.pid");
        if (Files.exists(pidFile)) { // deploy/stop failed: do not leave supervisord behind
            ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void deployRunServesThroughSupervisordAndSurvivesKillNineOfEachProgram() throws Exception {
        Run started = script("deploy/run");
        assertThat(started.exit).as(started.output).isZero();
        assertThat(started.output).contains("foo-proxy is running", "127.0.0.1:" + proxyPort, "deploy/stop");
        // deploy/run returns only once supervisord calls every program RUNNING (up for startsecs)
        assertThat(ctl("status").output).containsPattern("backend\\s+RUNNING")
                .containsPattern("frontend\\s+RUNNING").containsPattern("upstream\\s+RUNNING");

        assertThat(client(100, 2).stdout()).endsWith("OK!");
        awaitRequests(200);

        // SIGUSR2 through supervisorctl: the stats line lands in the frontend's stdout log
        assertThat(ctl("signal", "USR2", "frontend").exit).isZero();
        Path frontendStdout = runDir.resolve("logs/frontend.stdout.log");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(frontendStdout)
                && Files.readString(frontendStdout).contains("\"msg_req\":200,"));
        // stdout is the stats channel: under the deployed JVM options nothing else lands there
        // (the JVM prints each -XX:CompileCommand on stdout unless "quiet" comes first)
        assertThat(Files.readAllLines(frontendStdout, StandardCharsets.UTF_8))
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line).startsWith("{\"msg_total\":").endsWith("}"));

        // kill -9 the backend: supervisord restarts it and the totals come back from recovery
        long backendPid = pid("backend");
        kill9(backendPid);
        await().atMost(Duration.ofSeconds(60)).until(() -> pidOrZero("backend") > 0 && pidOrZero("backend") != backendPid);
        awaitHealthy();
        StatsLine afterBackendCrash = stats();
        assertThat(afterBackendCrash.integer("msg_req")).isEqualTo(200);
        assertThat(afterBackendCrash.responses()).isEqualTo(200);

        // kill -9 the frontend: restarted, serving, and everything it relays still counts
        long frontendPid = pid("frontend");
        kill9(frontendPid);
        await().atMost(Duration.ofSeconds(60)).until(() -> pidOrZero("frontend") > 0 && pidOrZero("frontend") != frontendPid);
        Ports.awaitListening("127.0.0.1", proxyPort, Duration.ofSeconds(30));
        assertThat(client(50, 2).stdout()).endsWith("OK!");
        awaitRequests(300);
        assertThat(stats().responses()).isEqualTo(300);

        Run stopped = script("deploy/stop");
        assertThat(stopped.exit).as(stopped.output).isZero();
        String supervisorLog = Files.readString(runDir.resolve("logs/supervisord.log"));
        assertThat(supervisorLog).contains("stopped: frontend (exit status 0)", "stopped: backend (exit status 0)");
        assertThat(runDir.resolve("data/recovery.json")).exists();
    }

    private FooSystem.ToolRun client(int requests, int connections) {
        return tools.tool(FooJars.testkit(), "client", "-connect", "127.0.0.1:" + proxyPort,
                "-requests", Integer.toString(requests), "-connections", Integer.toString(connections));
    }

    private void awaitRequests(long expected) {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            StatsLine stats = stats();
            assertThat(stats.integer("msg_req")).isEqualTo(expected);
            assertThat(stats.responses()).isEqualTo(expected);
        });
    }

    private void awaitHealthy() {
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> get("/health").statusCode() == 200);
    }

    private StatsLine stats() throws Exception {
        HttpResponse<String> response = get("/stats");
        assertThat(response.statusCode()).isEqualTo(200);
        return new StatsLine(response.body().strip());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private long pid(String program) throws Exception {
        long pid = pidOrZero(program);
        assertThat(pid).as("pid of %s", program).isPositive();
        return pid;
    }

    private long pidOrZero(String program) throws Exception {
        String out = ctl("pid", program).output.strip();
        return out.matches("\\d+") ? Long.parseLong(out) : 0;
    }

    private static void kill9(long pid) {
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    }

    private Run ctl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("supervisorctl", "-c",
                FooJars.root().resolve("supervisord/supervisord.conf").toString()));
        command.addAll(List.of(args));
        return run(command);
    }

    private Run script(String script) throws Exception {
        return run(List.of("bash", FooJars.root().resolve(script).toString()));
    }

    private Run run(List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).directory(FooJars.root().toFile());
        Map<String, String> env = builder.environment();
        env.put("FOO_RUN_DIR", runDir.toString());
        env.put("FOO_LISTEN", "127.0.0.1:" + proxyPort);
        env.put("FOO_HTTP", "127.0.0.1:" + httpPort);
        env.put("FOO_GRPC", "127.0.0.1:" + grpcPort);
        env.put("FOO_FORWARD", "127.0.0.1:" + upstreamPort);
        env.put("FOO_BUILD", "never");
        env.remove("FOO_UPSTREAM");
        // into a file, not a pipe: supervisord's children must not hold our read end open
        Path output = Files.createTempFile(runDir, "command", ".out");
        builder.redirectOutput(output.toFile());
        Process process = builder.start();
        if (!process.waitFor(PROCESS_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish: " + Files.readString(output));
        }
        return new Run(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    private record Run(int exit, String output) {}
}
