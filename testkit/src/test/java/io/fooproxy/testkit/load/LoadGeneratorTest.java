package io.fooproxy.testkit.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.fooproxy.testkit.config.Address;
import io.fooproxy.testkit.fixture.FreePorts;
import io.fooproxy.testkit.server.ReferenceServer;
import io.fooproxy.testkit.server.ServerConfig;
import io.fooproxy.testkit.support.ScriptedServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {
    private ReferenceServer server;

    @BeforeEach
    void startServer() {
        server = ReferenceServer.start(ServerConfig.loopback(0).withThreads(1));
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private LoadConfig.Builder load() {
        return LoadConfig.builder(new Address("127.0.0.1", server.port())).threads(1);
    }

    @Test
    void countsAreExactAndMatchWhatTheServerAnswered() {
        List<LoadProgress> progress = new ArrayList<>();
        LoadResult r = LoadGenerator.run(load().connections(4).depth(8).duration(Duration.ofMillis(1500)).build(),
                new LoadListener() {
                    @Override
                    public void onProgress(LoadProgress p) {
                        progress.add(p);
                    }
                });

        assertThat(r.errors()).as("errors, first: %s", r.firstError()).isZero();
        assertThat(r.requestsSent()).isPositive().isEqualTo(r.answersReceived());
        assertThat(r.acks() + r.naks()).isEqualTo(r.answersReceived());
        assertThat(r.acks()).isPositive();
        assertThat(r.naks()).isPositive(); // the reference server NAKs 10 %
        assertThat(server.requestsAnswered()).isEqualTo(r.requestsSent());
        assertThat(server.connectionsAccepted()).isEqualTo(4);
        assertThat(r.durationSeconds()).isGreaterThanOrEqualTo(1.5);
        assertThat(r.answersPerSecond()).isPositive();
        assertThat(r.latencyMicros().p50()).isPositive();
        assertThat(r.latencyMicros().p50()).isLessThanOrEqualTo(r.latencyMicros().p99());
        assertThat(r.latencyMicros().p99()).isLessThanOrEqualTo(r.latencyMicros().max());
        assertThat(progress).isNotEmpty();
        assertThat(r.toJson()).matches("\\{\"requests_sent\":\\d+,\"answers_received\":\\d+,\"acks\":\\d+,"
                + "\"naks\":\\d+,\"errors\":0,\"duration_seconds\":[\\d.]+,\"answers_per_second\":[\\d.]+,"
                + "\"latency_us\":\\{\"p50\":[\\d.]+,\"p90\":[\\d.]+,\"p99\":[\\d.]+,\"p999\":[\\d.]+,"
                + "\"max\":[\\d.]+}}");
    }

    @Test
    void rateModeSendsRoughlyTheRate() {
        LoadResult r = LoadGenerator.run(load().connections(4).depth(4).rate(400)
                .duration(Duration.ofMillis(1500)).build());

        assertThat(r.errors()).isZero();
        assertThat(r.answersReceived()).isEqualTo(r.requestsSent());
        // 400/s for 1.5 s = 600; pacing is per connection, so allow for the edges
        assertThat(r.requestsSent()).isBetween(480L, 720L);
    }

    @Test
    void aRequestBudgetEndsTheRunWhenAnswered() {
        LoadResult r = LoadGenerator.run(load().connections(3).depth(4).requestsPerConnection(50)
                .duration(Duration.ofSeconds(30)).build());

        assertThat(r.errors()).isZero();
        assertThat(r.requestsSent()).isEqualTo(150);
        assertThat(r.answersReceived()).isEqualTo(150);
        assertThat(r.durationSeconds()).isLessThan(30);
    }

    @Test
    void warmupTrafficIsCountedButNotInTheMeasuredDuration() {
        LoadResult r = LoadGenerator.run(load().connections(2).depth(2).warmup(Duration.ofMillis(500))
                .duration(Duration.ofMillis(500)).build());

        assertThat(r.errors()).isZero();
        assertThat(r.requestsSent()).isEqualTo(r.answersReceived()).isEqualTo(server.requestsAnswered());
        assertThat(r.durationSeconds()).isBetween(0.5, 5.0);
        assertThat(r.answersPerSecond() * r.durationSeconds()).isLessThan(r.answersReceived());
    }

    @Test
    void refusedConnectionsAreErrorsAndTheRunStillEnds() {
        LoadResult r = LoadGenerator.run(LoadConfig.builder(new Address("127.0.0.1", FreePorts.allocate()))
                .connections(3).duration(Duration.ofSeconds(30)).build());

        assertThat(r.errors()).isEqualTo(3);
        assertThat(r.requestsSent()).isZero();
        assertThat(r.firstError()).get().asString().contains("connect failed");
    }

    @Test
    void aServerClosingConnectionsCountsOneErrorPerConnection() {
        try (ReferenceServer strict = ReferenceServer.start(ServerConfig.loopback(0).withMaxLineBytes(64))) {
            LoadResult r = LoadGenerator.run(LoadConfig.builder(new Address("127.0.0.1", strict.port()))
                    .connections(5).dataLength(200).duration(Duration.ofSeconds(30)).build());

            assertThat(r.errors()).isEqualTo(5);
            assertThat(r.answersReceived()).isZero();
            assertThat(r.firstError()).get().asString().contains("closed by the server");
        }
    }

    @Test
    void aWrongSeqIsAnErrorAndTheConnectionIsDropped() throws Exception {
        try (ScriptedServer wrong = ScriptedServer.wrongSeq()) {
            LoadResult r = LoadGenerator.run(LoadConfig.builder(new Address("127.0.0.1", wrong.port()))
                    .connections(2).depth(3).duration(Duration.ofSeconds(30)).build());

            assertThat(r.errors()).isEqualTo(2);
            assertThat(r.answersReceived()).isZero();
            assertThat(r.requestsSent()).isEqualTo(6);
            assertThat(r.firstError()).get().asString().contains("expected seq 1, got 'ACK 2 00'");
        }
    }
}
