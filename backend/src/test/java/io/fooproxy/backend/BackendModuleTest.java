package io.fooproxy.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.inject.Guice;
import com.google.inject.Stage;
import io.fooproxy.backend.config.BackendConfig;
import io.fooproxy.proto.stats.v1.GetStatsRequest;
import io.fooproxy.proto.stats.v1.Stats;
import io.fooproxy.proto.stats.v1.StatsServiceGrpc;
import io.fooproxy.proto.telemetry.v1.BatchAck;
import io.fooproxy.proto.telemetry.v1.Counters;
import io.fooproxy.proto.telemetry.v1.TelemetryBatch;
import io.fooproxy.proto.telemetry.v1.TelemetryServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole backend, wired by its module, on free loopback ports. */
class BackendModuleTest {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Runnable> cleanup = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();

    @AfterEach
    void cleanUp() {
        cleanup.forEach(Runnable::run);
    }

    @Test
    void startsServesAndStopsCleanly() throws Exception {
        Backend backend = start(config("127.0.0.1:0"));

        HttpResponse<String> health = get(backend, "/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).startsWith("{\"status\":\"SERVING\",\"components\":{\"recovery\":{\"status\":\"SERVING\"")
                .contains("\"frontends\":{\"status\":\"NOT_SERVING\",\"critical\":false,", "\"grpc\":", "\"http\":");

        ManagedChannel channel = channel(backend);
        Stats stats = StatsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .getStats(GetStatsRequest.getDefaultInstance());
        assertThat(stats.getMsgTotal()).isZero();
        assertThat(get(backend, "/stats").body()).startsWith("{\"msg_total\":0,\"msg_req\":0,");
        assertThat(get(backend, "/stats").body()).contains(",\"analytics\":{\"latency_1s\":{\"count\":0,",
                "\"consumption\":{", "\"max_tracked_clients\":1000,\"top\":[]}}}");
        assertThat(stats.getAnalytics().getConsumption().getCycleSeconds()).isEqualTo(86_400);
        assertThat(get(backend, "/metrics").body()).contains("foo_upstream_latency_seconds_count{window=\"10s\"} 0");
        await().atMost(Duration.ofSeconds(5)).until(() -> check(channel, "") == ServingStatus.SERVING);
        assertThat(check(channel, "foo.backend.recovery")).isEqualTo(ServingStatus.SERVING);
        assertThat(check(channel, "foo.backend.frontends")).isEqualTo(ServingStatus.NOT_SERVING);

        String grpcPort = backend.grpcAddress().substring(backend.grpcAddress().lastIndexOf(':') + 1);
        String httpPort = backend.httpAddress().substring(backend.httpAddress().lastIndexOf(':') + 1);
        backend.stop();
        backend.stop(); // idempotent

        // both ports are free again
        try (ServerSocket s = new ServerSocket(Integer.parseInt(grpcPort), 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(s.isBound()).isTrue();
        }
        try (ServerSocket s = new ServerSocket(Integer.parseInt(httpPort), 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(s.isBound()).isTrue();
        }
        assertThat(Files.exists(dir.resolve("recovery.json"))).isTrue();
    }

    @Test
    void acknowledgedTelemetryIsServedAndSurvivesARestart() throws Exception {
        Backend backend = start(config("127.0.0.1:0"));
        ManagedChannel channel = channel(backend);

        List<BatchAck> acks = new CopyOnWriteArrayList<>();
        StreamObserver<TelemetryBatch> publish = TelemetryServiceGrpc.newStub(channel).publish(new StreamObserver<>() {
            @Override
            public void onNext(BatchAck value) {
                acks.add(value);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {}
        });
        publish.onNext(TelemetryBatch.newBuilder().setFrontendId("fe-test").setIncarnation(7).setSequence(1)
                .setWatermarkUnixMillis(System.currentTimeMillis())
                .setCounters(Counters.newBuilder().setRequests(5).setAcks(4).setNaks(1)).build());
        await().atMost(Duration.ofSeconds(5)).until(() -> !acks.isEmpty());
        assertThat(acks.get(acks.size() - 1).getAckedThroughSequence()).isEqualTo(1);
        publish.onCompleted();

        assertThat(get(backend, "/stats").body()).startsWith("{\"msg_total\":10,\"msg_req\":5,\"msg_ack\":4,\"msg_nak\":1,");
        assertThat(get(backend, "/metrics").body().lines()).contains("foo_messages_total{type=\"req\"} 5.0");
        assertThat(get(backend, "/status").body()).contains("\"frontend_id\":\"fe-test\"");
        backend.stop();

        Backend again = start(config("127.0.0.1:0"));
        Stats restored = StatsServiceGrpc.newBlockingStub(channel(again)).withDeadlineAfter(5, TimeUnit.SECONDS)
                .getStats(GetStatsRequest.getDefaultInstance());
        assertThat(restored.getMsgReq()).isEqualTo(5);
        assertThat(restored.getMsgTotal()).isEqualTo(10);
    }

    @Test
    void stopAcknowledgesAnOpenStreamsLastBatchThenEndsItSoTheFrontendResendsElsewhere() throws Exception {
        Backend backend = start(config("127.0.0.1:0"));
        ManagedChannel channel = channel(backend);
        List<Long> acks = new CopyOnWriteArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        StreamObserver<TelemetryBatch> publish = TelemetryServiceGrpc.newStub(channel).publish(new StreamObserver<>() {
            @Override
            public void onNext(BatchAck value) {
                acks.add(value.getAckedThroughSequence());
            }

            @Override
            public void onError(Throwable t) {
                errors.add(t);
            }

            @Override
            public void onCompleted() {}
        });
        for (long seq = 1; seq <= 3; seq++) {
            publish.onNext(TelemetryBatch.newBuilder().setFrontendId("fe-test").setIncarnation(7).setSequence(seq)
                    .setWatermarkUnixMillis(System.currentTimeMillis())
                    .setCounters(Counters.newBuilder().setRequests(1)).build());
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> get(backend, "/stats").body().contains("\"msg_req\":3,"));

        backend.stop(); // the stream is still open: the frontend never half-closes it

        await().atMost(Duration.ofSeconds(5)).until(() -> !errors.isEmpty());
        assertThat(acks).last().isEqualTo(3L);
        io.grpc.Status status = io.grpc.Status.fromThrowable(errors.get(0));
        assertThat(status.getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
        // ended by the ingest after its last ack, not cancelled by the server's shutdownNow
        assertThat(status.getDescription()).contains("shutting down");
        Stats restored = StatsServiceGrpc.newBlockingStub(channel(start(config("127.0.0.1:0"))))
                .withDeadlineAfter(5, TimeUnit.SECONDS).getStats(GetStatsRequest.getDefaultInstance());
        assertThat(restored.getMsgReq()).isEqualTo(3);
    }

    @Test
    void statsPrinterWritesToTheGivenStream() throws Exception {
        var injector = Guice.createInjector(Stage.PRODUCTION,
                new BackendModule(config("127.0.0.1:0"), new PrintStream(stdout, true, StandardCharsets.UTF_8)));
        Backend backend = injector.getInstance(Backend.class);
        cleanup.add(backend::stop);
        backend.start();
        injector.getInstance(StatsPrinter.class).print();
        assertThat(stdout.toString(StandardCharsets.UTF_8)).startsWith("{\"msg_total\":0,").endsWith("}\n");
    }

    @Test
    void aPortInUseIsOneClearError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            Backend backend = Guice.createInjector(Stage.PRODUCTION, new BackendModule(
                    BackendConfig.fromSettings(Map.of("grpc", "127.0.0.1:0", "http", address,
                            "recovery-path", dir.resolve("recovery.json").toString())),
                    new PrintStream(stdout, true, StandardCharsets.UTF_8))).getInstance(Backend.class);
            cleanup.add(backend::stop);
            assertThatThrownBy(backend::start).isInstanceOf(StartupException.class)
                    .hasMessage("http: cannot listen on " + address + ": address already in use");
            backend.stop();
            // refused before the recovery file was read or written
            assertThat(Files.exists(dir.resolve("recovery.json"))).isFalse();
        }
    }

    @Test
    void aGrpcPortInUseIsOneClearErrorToo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            Backend backend = Guice.createInjector(Stage.PRODUCTION, new BackendModule(config(address),
                    new PrintStream(stdout, true, StandardCharsets.UTF_8))).getInstance(Backend.class);
            cleanup.add(backend::stop);
            assertThatThrownBy(backend::start).isInstanceOf(StartupException.class)
                    .hasMessage("grpc: cannot listen on " + address + ": address already in use");
        }
    }

    @Test
    void bindErrorsReadTheWholeCauseChain() {
        // grpc-netty wraps the transport's native exception, which is no java.net.BindException
        assertThat(Backend.bindError("grpc", "127.0.0.1:9090", new java.io.IOException("Failed to bind to address /127.0.0.1:9090",
                new java.io.IOException("bind(..) failed: Address already in use"))))
                .isEqualTo("grpc: cannot listen on 127.0.0.1:9090: address already in use");
        assertThat(Backend.bindError("http", "10.9.9.9:80", new java.net.BindException("Cannot assign requested address")))
                .isEqualTo("http: cannot listen on 10.9.9.9:80: no such local address");
        assertThat(Backend.bindError("http", "1.2.3.4:5", new java.io.IOException("outer", new java.io.IOException("weird"))))
                .isEqualTo("http: cannot listen on 1.2.3.4:5: weird");
    }

    private BackendConfig config(String grpc) {
        return BackendConfig.fromSettings(Map.of("grpc", grpc, "http", "127.0.0.1:0",
                "recovery-path", dir.resolve("recovery.json").toString(), "persist-interval", "20ms"));
    }

    private Backend start(BackendConfig config) throws StartupException {
        Backend backend = Guice.createInjector(Stage.PRODUCTION,
                new BackendModule(config, new PrintStream(stdout, true, StandardCharsets.UTF_8))).getInstance(Backend.class);
        cleanup.add(backend::stop);
        backend.start();
        return backend;
    }

    private ManagedChannel channel(Backend backend) {
        ManagedChannel channel = NettyChannelBuilder.forTarget(backend.grpcAddress()).usePlaintext().build();
        cleanup.add(0, () -> {
            channel.shutdownNow();
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return channel;
    }

    private static ServingStatus check(ManagedChannel channel, String service) {
        return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
    }

    private HttpResponse<String> get(Backend backend, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + backend.httpAddress() + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
