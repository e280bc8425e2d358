package io.fooproxy.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The paths of BackendMain that end before any server or signal handler exists. */
class BackendMainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void helpGoesToStderrAndExitsZero() {
        assertThat(run("-help")).isZero();
        assertThat(out.size()).isZero(); // stdout is for stats lines only
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("-grpc", "-http", "-recovery-path",
                "-persist-interval", "-log-level", "-config");
    }

    @Test
    void badConfigIsOneLineAndExitTwo() {
        assertThat(run("-http", "127.0.0.1:70000")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("config error: http: port 70000 out of range"
                + System.lineSeparator());
        assertThat(out.size()).isZero();
    }

    @Test
    void unknownFlagIsOneLineAndExitTwo() {
        assertThat(run("--listen", ":8002")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("config error: listen: unknown option"
                + System.lineSeparator());
    }

    private int run(String... args) {
        return BackendMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
