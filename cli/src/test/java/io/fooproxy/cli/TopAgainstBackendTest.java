package io.fooproxy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Stage;
import com.google.protobuf.ByteString;
import io.fooproxy.backend.Backend;
import io.fooproxy.backend.BackendModule;
import io.fooproxy.backend.config.BackendConfig;
import io.fooproxy.proto.telemetry.v1.Analytics;
import io.fooproxy.proto.telemetry.v1.BatchAck;
import io.fooproxy.proto.telemetry.v1.ClientUsage;
import io.fooproxy.proto.telemetry.v1.FrontendState;
import io.fooproxy.proto.telemetry.v1.LatencySlice;
import io.fooproxy.proto.telemetry.v1.TelemetryBatch;
import io.fooproxy.proto.telemetry.v1.TelemetryServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code top} and {@code watch} against the real backend (wired by its module, free loopback ports). */
class TopAgainstBackendTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private Backend backend;
    private ManagedChannel frontend;

    @BeforeEach
    void startBackendAndPublishOneBatch() throws Exception {
        BackendConfig config = BackendConfig.fromSettings(Map.of("grpc", "127.0.0.1:0", "http", "127.0.0.1:0",
                "recovery-path", dir.resolve("recovery.json").toString(), "persist-interval", "20ms",
                "top-consumers", "2"));
        backend = Guice.createInjector(Stage.PRODUCTION,
                new BackendModule(config, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
                .getInstance(Backend.class);
        backend.start();
        frontend = NettyChannelBuilder.forTarget(backend.grpcAddress()).usePlaintext().build();
        long now = System.currentTimeMillis();
        TelemetryBatch batch = TelemetryBatch.newBuilder()
                .setFrontendId("fe-test").setIncarnation(1).setSequence(1).setWatermarkUnixMillis(now)
                .setState(FrontendState.newBuilder().setInFlightRequests(4).setOldestInFlightAgeMillis(7))
                .setAnalytics(Analytics.newBuilder()
                        .addLatency(LatencySlice.newBuilder().setStartUnixMillis(now / 100 * 100 - 200)
                                .setHistogram(histogram(500, 500, 500, 2_000)))
                        .addClients(usage("127.0.0.5", 10, 9_000))
                        .addClients(usage("127.0.0.6", 30, 300))
                        .addClients(usage("127.0.0.7", 20, 2_000)))
                .build();
        CompletableFuture<BatchAck> acked = new CompletableFuture<>();
        StreamObserver<TelemetryBatch> stream = TelemetryServiceGrpc.newStub(frontend).publish(new StreamObserver<>() {
            @Override
            public void onNext(BatchAck ack) {
                acked.complete(ack);
            }

            @Override
            public void onError(Throwable t) {
                acked.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {}
        });
        stream.onNext(batch);
        assertThat(acked.get(10, TimeUnit.SECONDS).getAckedThroughSequence()).isEqualTo(1);
    }

    @AfterEach
    void stop() throws InterruptedException {
        frontend.shutdownNow();
        frontend.awaitTermination(5, TimeUnit.SECONDS);
        backend.stop();
    }

    @Test
    void topPrintsTheCycleAndTheBiggestConsumers() {
        assertThat(run("top", "-backend", backend.grpcAddress(), "-n", "3", "-by", "bytes")).isZero();
        String[] lines = out().split("\n");
        assertThat(lines).hasSize(5);
        assertThat(lines[0]).startsWith("cycle ").contains("(86400s)  last reset never  total messages=60 bytes=11300",
                "tracked 3/1000");
        assertThat(lines[1]).startsWith("#").contains("address", "messages", "bytes", "±messages", "±bytes");
        assertThat(lines[2]).matches("1\\s+127\\.0\\.0\\.5\\s+10\\s+9000\\s+0\\s+0");
        assertThat(lines[3]).matches("2\\s+127\\.0\\.0\\.7\\s+20\\s+2000\\s+0\\s+0");
        assertThat(lines[4]).matches("3\\s+127\\.0\\.0\\.6\\s+30\\s+300\\s+0\\s+0");
        assertThat(err()).isEmpty();

        out.reset();
        // the backend's top-consumers (2) by messages when -n is not given
        assertThat(run("-backend", backend.grpcAddress(), "top")).isZero();
        assertThat(out().split("\n")).hasSize(4);
        assertThat(out().split("\n")[2]).contains("127.0.0.6");
    }

    @Test
    void watchShowsLatencyAndInFlight() {
        assertThat(run("watch", "-backend", backend.grpcAddress(), "-count", "1")).isZero();
        // the open stream holds the window end at the batch's watermark, after the slice's end
        assertThat(out()).contains("  in-flight=4 oldest=7ms").containsPattern("latency 1s p50=50\\dus p99=2\\.0\\dms");
    }

    @Test
    void badOptionsAreUsageErrorsAndAnUnreachableBackendIsExitTwo() {
        assertThat(run("top", "-backend", backend.grpcAddress(), "-by", "latency")).isEqualTo(2);
        assertThat(err()).startsWith("error: -by: must be messages or bytes, got 'latency'\n");
        err.reset();
        assertThat(run("top", "-backend", backend.grpcAddress(), "-n", "-1")).isEqualTo(2);
        assertThat(err()).startsWith("error: -n: must be between 0 and 100000\n");
        err.reset();
        String address = backend.grpcAddress();
        backend.stop();
        assertThat(run("top", "-backend", address)).isEqualTo(2);
        assertThat(err()).startsWith("error: backend " + address + " unreachable (UNAVAILABLE");
        assertThat(out()).isEmpty();
    }

    private static ClientUsage usage(String address, long messages, long bytes) {
        return ClientUsage.newBuilder().setAddress(address).setMessages(messages).setBytes(bytes).build();
    }

    private static ByteString histogram(long... values) {
        Histogram h = new Histogram(3);
        for (long v : values) {
            h.recordValue(v);
        }
        ByteBuffer b = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoCompressedByteBuffer(b);
        return ByteString.copyFrom(b.array(), 0, n);
    }

    private int run(String... args) {
        return Cli.commandLine(new NettyChannelFactory(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), ZoneOffset.UTC).execute(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
