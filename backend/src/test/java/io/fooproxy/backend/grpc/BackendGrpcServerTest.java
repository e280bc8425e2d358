package io.fooproxy.backend.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fooproxy.backend.BackendHealth;
import io.fooproxy.backend.ListenerHealth;
import io.fooproxy.backend.TestHealthComponent;
import io.fooproxy.backend.TestStatsView;
import io.fooproxy.proto.stats.v1.GetStatsRequest;
import io.fooproxy.proto.stats.v1.StatsServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BackendGrpcServerTest {
    @RegisterExtension
    final GrpcCleanup grpc = new GrpcCleanup();

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final TestHealthComponent recovery = new TestHealthComponent("recovery", true, true, "ok");
    private final TestHealthComponent frontends = new TestHealthComponent("frontends", false, false, "none connected");
    private final ListenerHealth listener = new ListenerHealth("grpc");
    private final BackendHealth health = new BackendHealth(List.of(recovery, frontends, listener));
    private final HealthStatusManager healthManager = new HealthStatusManager();
    private final GrpcHealthPublisher publisher = new GrpcHealthPublisher(healthManager, health, scheduler, Duration.ofMillis(500));
    private BackendGrpcServer server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = new BackendGrpcServer(InProcessServerBuilder.forName(name).directExecutor(),
                List.of(new StatsServiceImpl(TestStatsView.sample(), TestStatsView.NO_CONSUMPTION, scheduler)), healthManager, listener);
        server.start();
        grpc.onCleanup(() -> server.shutdown(Duration.ofSeconds(1)));
        publisher.publish();
        channel = grpc.register(InProcessChannelBuilder.forName(name).directExecutor().build());
    }

    @AfterEach
    void stopScheduler() {
        publisher.shutdown();
        scheduler.shutdownNow();
    }

    @Test
    void servesTheStatsService() {
        assertThat(StatsServiceGrpc.newBlockingStub(channel).getStats(GetStatsRequest.getDefaultInstance()).getMsgReq())
                .isEqualTo(30);
    }

    @Test
    void healthAnswersOverallComponentsAndServices() {
        assertThat(check("")).isEqualTo(ServingStatus.SERVING);
        assertThat(check("foo.backend.recovery")).isEqualTo(ServingStatus.SERVING);
        assertThat(check("foo.backend.frontends")).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(check("foo.backend.grpc")).isEqualTo(ServingStatus.SERVING);
        assertThat(check("foo.stats.v1.StatsService")).isEqualTo(ServingStatus.SERVING);
        assertThat(check("foo.telemetry.v1.TelemetryService")).isEqualTo(ServingStatus.SERVING);
        assertThatThrownBy(() -> check("foo.backend.nothing")).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void healthFollowsCriticalComponents() {
        recovery.set(false, "disk full");
        publisher.publish();
        assertThat(check("")).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(check("foo.backend.recovery")).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(check("foo.telemetry.v1.TelemetryService")).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(check("foo.stats.v1.StatsService")).isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void thePeriodicPublisherPicksUpChanges() {
        publisher.start();
        recovery.set(false, "disk full");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> check("") == ServingStatus.NOT_SERVING);
        recovery.set(true, "ok");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> check("") == ServingStatus.SERVING);
    }

    @Test
    void shutdownIsNotServingForGood() {
        health.markShuttingDown();
        publisher.shutdown();
        publisher.publish(); // ignored after the terminal state
        assertThat(check("")).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(check("foo.stats.v1.StatsService")).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(check("foo.backend.recovery")).isEqualTo(ServingStatus.NOT_SERVING);
    }

    @Test
    void reflectionListsEveryService() throws Exception {
        ServerReflectionResponse response = reflect(ServerReflectionRequest.newBuilder().setListServices("").build());

        assertThat(response.getListServicesResponse().getServiceList()).extracting(ServiceResponse::getName)
                .contains("foo.stats.v1.StatsService", "grpc.health.v1.Health",
                        "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");
    }

    @Test
    void reflectionDescribesTheStatsService() throws Exception {
        ServerReflectionResponse response = reflect(ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol("foo.stats.v1.StatsService").build());
        var files = response.getFileDescriptorResponse().getFileDescriptorProtoList();
        assertThat(files).isNotEmpty();
        var file = com.google.protobuf.DescriptorProtos.FileDescriptorProto.parseFrom(files.get(0));
        assertThat(file.getPackage()).isEqualTo("foo.stats.v1");
        assertThat(file.getServiceList()).extracting(s -> s.getName()).contains("StatsService");
    }

    private ServerReflectionResponse reflect(ServerReflectionRequest request) throws Exception {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        answer.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        answer.completeExceptionally(new AssertionError("no answer"));
                    }
                });
        requests.onNext(request);
        ServerReflectionResponse response = answer.get(5, TimeUnit.SECONDS);
        requests.onCompleted();
        return response;
    }

    @Test
    void reflectionV1AlphaAnswersToo() throws Exception {
        CompletableFuture<io.grpc.reflection.v1alpha.ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest> requests =
                io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(channel).serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(io.grpc.reflection.v1alpha.ServerReflectionResponse value) {
                        answer.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        answer.completeExceptionally(new AssertionError("no answer"));
                    }
                });
        requests.onNext(io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder().setListServices("").build());
        var response = answer.get(5, TimeUnit.SECONDS);
        requests.onCompleted();
        assertThat(response.getListServicesResponse().getServiceList())
                .extracting(io.grpc.reflection.v1alpha.ServiceResponse::getName)
                .contains("foo.stats.v1.StatsService");
    }

    @Test
    void listenerHealthFollowsTheServer() {
        assertThat(listener.status().serving()).isTrue();
        assertThat(server.shutdown(Duration.ofSeconds(1))).isTrue();
        assertThat(listener.status().serving()).isFalse();
    }

    private ServingStatus check(String service) {
        return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
    }
}
