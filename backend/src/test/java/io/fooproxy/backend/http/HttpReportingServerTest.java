package io.fooproxy.backend.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.fooproxy.backend.BackendHealth;
import io.fooproxy.backend.ListenerHealth;
import io.fooproxy.backend.TestHealthComponent;
import io.fooproxy.backend.TestStatsView;
import io.fooproxy.backend.metrics.PrometheusMetrics;
import io.fooproxy.proto.json.StatsJson;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpReportingServerTest {
    private final TestStatsView stats = TestStatsView.sample();
    private final TestHealthComponent recovery = new TestHealthComponent("recovery", true, true, "persisted 12 ms ago");
    private final TestHealthComponent frontends = new TestHealthComponent("frontends", false, false, "no frontend connected");
    private final ListenerHealth grpcListener = new ListenerHealth("grpc");
    private final ListenerHealth httpListener = new ListenerHealth("http");
    private final BackendHealth health = new BackendHealth(List.of(recovery, frontends, grpcListener, httpListener));
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private HttpReportingServer server;
    private String base;

    @BeforeEach
    void start() throws IOException {
        grpcListener.started("127.0.0.1:9999");
        server = new HttpReportingServer(new InetSocketAddress("127.0.0.1", 0), stats, health,
                new PrometheusMetrics(stats), new StatusInfo("1.2.3", List.of(grpcListener, httpListener)), httpListener);
        server.start();
        base = "http://127.0.0.1:" + server.address().getPort();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void statsIsTheStatsJson() throws Exception {
        HttpResponse<String> response = get("/stats");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(response.body()).isEqualTo(StatsJson.toJson(TestStatsView.sampleStats()) + "\n");
        assertThat(response.body()).startsWith("{\"msg_total\":60,\"msg_req\":30,\"msg_ack\":25,\"msg_nak\":5,"
                + "\"request_rate_1s\":12.5,\"request_rate_10s\":9.25,\"response_rate_1s\":11,\"response_rate_10s\":8.5,");
        assertThat(response.headers().firstValue("Content-Length"))
                .hasValue(Integer.toString(response.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
    }

    @Test
    void metricsIsThePrometheusText() throws Exception {
        HttpResponse<String> response = get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body()).contains("# HELP foo_messages_total ", "# TYPE foo_messages_total counter");
        assertThat(response.body().lines()).contains("foo_messages_total{type=\"req\"} 30.0");
    }

    @Test
    void healthIs200WhileServingAnd503Otherwise() throws Exception {
        HttpResponse<String> response = get("/health");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(response.body()).isEqualTo("{\"status\":\"SERVING\",\"components\":{"
                + "\"recovery\":{\"status\":\"SERVING\",\"critical\":true,\"detail\":\"persisted 12 ms ago\"},"
                + "\"frontends\":{\"status\":\"NOT_SERVING\",\"critical\":false,\"detail\":\"no frontend connected\"},"
                + "\"grpc\":{\"status\":\"SERVING\",\"critical\":true,\"detail\":\"listening on 127.0.0.1:9999\"},"
                + "\"http\":{\"status\":\"SERVING\",\"critical\":true,\"detail\":\"listening on 127.0.0.1:"
                + server.address().getPort() + "\"}}}\n");

        recovery.set(false, "cannot write \"data/recovery.json\": disk full");
        response = get("/health");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).startsWith("{\"status\":\"NOT_SERVING\",")
                .contains("\"detail\":\"cannot write \\\"data/recovery.json\\\": disk full\"");
    }

    @Test
    void shuttingDownIs503() throws Exception {
        health.markShuttingDown();
        HttpResponse<String> response = get("/health");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).startsWith("{\"status\":\"NOT_SERVING\",\"shutting_down\":true,");
        assertThat(get("/status").statusCode()).isEqualTo(503);
    }

    @Test
    void statusAddsVersionListenersAndFrontends() throws Exception {
        HttpResponse<String> response = get("/status");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("{\"status\":\"SERVING\",\"components\":{")
                .contains("\"version\":\"1.2.3\"", "\"uptime_seconds\":42.5",
                        "\"listen\":{\"grpc\":\"127.0.0.1:9999\",\"http\":\"127.0.0.1:" + server.address().getPort() + "\"}",
                        "\"frontends\":[{\"frontend_id\":\"fe-1:8002\",\"connected\":true,\"connections_active\":4,");
    }

    @Test
    void indexLinksTheRest() throws Exception {
        HttpResponse<String> response = get("/");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(response.body()).contains("href=\"/stats\"", "href=\"/metrics\"", "href=\"/health\"", "href=\"/status\"");
    }

    @Test
    void unknownPathIs404() throws Exception {
        assertThat(get("/nope").statusCode()).isEqualTo(404);
        assertThat(get("/stats/").statusCode()).isEqualTo(404);
        assertThat(send(HttpRequest.newBuilder(URI.create(base + "/nope")).POST(HttpRequest.BodyPublishers.ofString("x"))).statusCode())
                .isEqualTo(404);
    }

    @Test
    void otherMethodsAre405WithAllow() throws Exception {
        for (String method : List.of("POST", "PUT", "DELETE")) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + "/stats"))
                    .method(method, HttpRequest.BodyPublishers.ofString("{}")));
            assertThat(response.statusCode()).as(method).isEqualTo(405);
            assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD");
        }
    }

    @Test
    void headHasTheLengthButNoBody() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + "/stats"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
        assertThat(response.headers().firstValue("Content-Length"))
                .hasValue(Integer.toString(StatsJson.toJson(TestStatsView.sampleStats()).length() + 1));
    }

    @Test
    void aFailingSnapshotIsA500WithoutDetails() throws Exception {
        HttpReportingServer failing = new HttpReportingServer(new InetSocketAddress("127.0.0.1", 0), () -> {
            throw new IllegalStateException("secret internals");
        }, health, new PrometheusMetrics(stats), new StatusInfo("1", List.of()), new ListenerHealth("http"));
        failing.start();
        try {
            HttpResponse<String> response = send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + failing.address().getPort() + "/stats")));
            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.body()).isEqualTo("internal error\n");
        } finally {
            failing.stop();
        }
    }

    @Test
    void aPortInUseIsABindException() {
        HttpReportingServer second = new HttpReportingServer(server.address(), stats, health,
                new PrometheusMetrics(stats), new StatusInfo("1", List.of()), new ListenerHealth("http"));
        org.assertj.core.api.Assertions.assertThatThrownBy(second::start).isInstanceOf(BindException.class);
    }

    @Test
    void stopMarksTheListenerDownAndIsIdempotent() {
        assertThat(httpListener.status().serving()).isTrue();
        server.stop();
        server.stop();
        assertThat(httpListener.status().serving()).isFalse();
        assertThat(health.report().serving()).isFalse();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
