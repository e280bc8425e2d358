package io.fooproxy.testkit.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.fooproxy.testkit.config.Address;
import io.fooproxy.testkit.fixture.FreePorts;
import io.fooproxy.testkit.server.ReferenceServer;
import io.fooproxy.testkit.support.ScriptedServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CheckingClientTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static ClientConfig config(int port, long requests, int connections, int depth) {
        return new ClientConfig(new Address("127.0.0.1", port), requests, connections, depth, Duration.ofSeconds(10),
                16);
    }

    @Test
    void printsADotPerTenAnswersThenOk() {
        try (ReferenceServer server = ReferenceServer.start(0)) {
            CheckingClient.Outcome outcome = new CheckingClient(config(server.port(), 100, 3, 4), out).run();

            assertThat(outcome.ok()).as(outcome.failure()).isTrue();
            assertThat(output()).isEqualTo(".".repeat(30) + System.lineSeparator() + "OK!" + System.lineSeparator());
            assertThat(outcome.load().answersReceived()).isEqualTo(300);
            assertThat(server.requestsAnswered()).isEqualTo(300);
        }
    }

    @Test
    void fewerThanTenAnswersPrintOnlyOk() {
        try (ReferenceServer server = ReferenceServer.start(0)) {
            assertThat(new CheckingClient(config(server.port(), 5, 1, 1), out).run().ok()).isTrue();
            assertThat(output()).isEqualTo("OK!" + System.lineSeparator());
        }
    }

    @Test
    void aWrongSeqFails() throws Exception {
        try (ScriptedServer wrong = ScriptedServer.wrongSeq()) {
            CheckingClient.Outcome outcome = new CheckingClient(config(wrong.port(), 100, 1, 1), out).run();

            assertThat(outcome.ok()).isFalse();
            assertThat(output()).isEqualTo("FAILED! connection 1: expected seq 1, got 'ACK 2 00'"
                    + System.lineSeparator());
        }
    }

    @Test
    void aServerThatStopsAnsweringFailsAtTheTimeout() throws Exception {
        try (ScriptedServer silent = new ScriptedServer(line -> line.equals("REQ 15") ? null
                : "ACK " + line.split(" ")[1])) {
            ClientConfig config = new ClientConfig(new Address("127.0.0.1", silent.port()), 20, 1, 1,
                    Duration.ofMillis(700), 0);
            CheckingClient.Outcome outcome = new CheckingClient(config, out).run();

            assertThat(outcome.ok()).isFalse();
            assertThat(output()).isEqualTo("." + System.lineSeparator()
                    + "FAILED! connection 1: time limit reached after 14 of 20 answers" + System.lineSeparator());
        }
    }

    @Test
    void nothingListeningFails() {
        CheckingClient.Outcome outcome = new CheckingClient(config(FreePorts.allocate(), 10, 2, 1), out).run();

        assertThat(outcome.ok()).isFalse();
        assertThat(output()).startsWith("FAILED! connection ").contains("connect failed");
    }
}
