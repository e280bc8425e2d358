package io.fooproxy.benchmarks;

import io.fooproxy.frontend.sniff.Direction;
import io.fooproxy.frontend.sniff.LineScanner;
import io.fooproxy.frontend.sniff.TrafficSink;
import io.fooproxy.frontend.sniff.TrafficSinks;
import io.fooproxy.frontend.stats.LocalCounters;
import io.fooproxy.frontend.telemetry.TelemetryAggregator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The sniffer's cost per line, on the buffers the relay really sees, with the frontend's real
 * sink (local counters and the telemetry aggregator, fanned out as in FrontendModule). Scores
 * are nanoseconds per line ({@link OperationsPerInvocation} = lines per invocation).
 *
 * <ul>
 *   <li>{@code oneLinePerBuffer}: depth-1 traffic, one REQ with 16 hex characters of data per read;
 *   <li>{@code pipelined}: a 16 KiB read full of ACK/NAK lines (a pipelining upstream);
 *   <li>{@code splitLines}: the same lines cut every 7 bytes, so almost every line spans reads.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LineScannerBenchmark {
    static final int PIPELINED_LINES = 400;
    static final int SPLIT_EVERY = 7;

    private LineScanner requests;
    private LineScanner answers;
    private ByteBuf oneRequest;
    private ByteBuf pipelinedAnswers;
    private ByteBuf[] splitAnswers;

    @Setup(Level.Trial)
    public void setUp() {
        TrafficSink sink = TrafficSinks.fanOut(List.of(
                new LocalCounters(Clock.systemUTC()), new TelemetryAggregator(Clock.systemUTC())));
        requests = new LineScanner(Direction.CLIENT_TO_SERVER, 65536, sink);
        answers = new LineScanner(Direction.SERVER_TO_CLIENT, 65536, sink);
        oneRequest = buffer("REQ 1234567 0123456789abcdef\n");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < PIPELINED_LINES; i++) {
            lines.append(i % 10 == 0 ? "NAK " : "ACK ").append(1_000_000 + i).append(" 0123456789abcdef0123456789ab\n");
        }
        pipelinedAnswers = buffer(lines.toString());
        byte[] all = lines.toString().getBytes(StandardCharsets.US_ASCII);
        splitAnswers = new ByteBuf[(all.length + SPLIT_EVERY - 1) / SPLIT_EVERY];
        for (int i = 0; i < splitAnswers.length; i++) {
            int from = i * SPLIT_EVERY;
            splitAnswers[i] = ioBuffer(SPLIT_EVERY).writeBytes(all, from, Math.min(SPLIT_EVERY, all.length - from));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        oneRequest.release();
        pipelinedAnswers.release();
        for (ByteBuf b : splitAnswers) {
            b.release();
        }
    }

    /** A buffer of the kind the relay reads into: Netty's default allocator's I/O buffer. */
    private static ByteBuf ioBuffer(int capacity) {
        return ByteBufAllocator.DEFAULT.ioBuffer(capacity);
    }

    private static ByteBuf buffer(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
        return ioBuffer(bytes.length).writeBytes(bytes);
    }

    @Benchmark
    public void oneLinePerBuffer() {
        requests.scan(oneRequest);
    }

    @Benchmark
    @OperationsPerInvocation(PIPELINED_LINES)
    public void pipelined() {
        answers.scan(pipelinedAnswers);
    }

    @Benchmark
    @OperationsPerInvocation(PIPELINED_LINES)
    public void splitLines() {
        for (ByteBuf b : splitAnswers) {
            answers.scan(b);
        }
    }
}
