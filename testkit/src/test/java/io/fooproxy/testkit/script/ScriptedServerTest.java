package io.fooproxy.testkit.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fooproxy.testkit.cli.TestkitCli;
import io.fooproxy.testkit.config.ConfigException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ScriptedServerTest {
    private static final String MISBEHAVING_SERVER = """
            # answers 2 before 1, 1 twice, a seq never asked for, and sends a REQ itself
            read 2
            send ACK 2 b
            send ACK 1
            send ACK 1
            send NAK 99
            send REQ 5
            """;

    @TempDir
    Path tmp;

    @Test
    void parsesSendAndReadStepsExactly() {
        Script s = Script.parse("script", "# c\n\nsend REQ 1  x\nread 3\r\nsend \n");
        assertThat(s.steps()).containsExactly(new Script.Send("REQ 1  x"), new Script.Read(3), new Script.Send(""));
    }

    @Test
    void badScriptsNameTheLine() {
        assertThatThrownBy(() -> Script.parse("script", "send REQ 1\nwait 2\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("script: line 2: expected 'send LINE' or 'read N', got 'wait 2'");
        assertThatThrownBy(() -> Script.parse("script", "read 0\n"))
                .hasMessage("script: line 1: '0' is not a line count");
        assertThatThrownBy(() -> Script.parse("script", "# nothing\n")).hasMessage("script: the script has no steps");
    }

    @Test
    void aScriptedClientAndServerPlayTheirParts() throws IOException {
        Script server = Script.parse("script", MISBEHAVING_SERVER);
        Script client = Script.parse("script", "send REQ 1\nsend ACK 7\nsend REQ 3\nread 5\n");
        try (ScriptedServer s = ScriptedServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), server);
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), s.port())) {
            socket.setSoTimeout(10_000);
            List<String> lines = new ScriptRunner(client).run(socket.getInputStream(), socket.getOutputStream());
            assertThat(lines).containsExactly("ACK 2 b", "ACK 1", "ACK 1", "NAK 99", "REQ 5");
        }
    }

    @Test
    void theCommandLineRunsBothModes() throws IOException {
        Path serverScript = Files.writeString(tmp.resolve("server.script"), MISBEHAVING_SERVER);
        Path clientScript = Files.writeString(tmp.resolve("client.script"), "send REQ 1\nsend REQ 2\nread 5\n");
        try (ScriptedServer s = ScriptedServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Script.load("script", serverScript))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = TestkitCli.run(new String[] {"client", "-connect", "127.0.0.1:" + s.port(),
                "-script", clientScript.toString(), "-timeout", "10s"},
                    new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
            assertThat(code).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8).lines())
                    .containsExactly("ACK 2 b", "ACK 1", "ACK 1", "NAK 99", "REQ 5", "OK!");
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path bad = Files.writeString(tmp.resolve("bad.script"), "jump\n");
        int code = TestkitCli.run(new String[] {"server", "-listen", "127.0.0.1:0", "-script", bad.toString()},
                System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).strip())
                .isEqualTo("config error: script: line 1: expected 'send LINE' or 'read N', got 'jump'");
    }

    @Test
    void aClientWhoseAnswersNeverComeFails() throws IOException {
        Path clientScript = Files.writeString(tmp.resolve("client.script"), "send REQ 1\nread 1\n");
        try (ScriptedServer s = ScriptedServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Script.parse("script", "read 1\n"))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = TestkitCli.run(new String[] {"client", "-connect", "127.0.0.1:" + s.port(),
                "-script", clientScript.toString(), "-timeout", "300ms"},
                    new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
            assertThat(code).isEqualTo(1);
            assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("FAILED! ");
        }
    }
}
