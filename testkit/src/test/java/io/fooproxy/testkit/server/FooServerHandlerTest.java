package io.fooproxy.testkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fooproxy.testkit.config.Address;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FooServerHandlerTest {
    private static final ServerConfig PLAIN = ServerConfig.defaults(new Address("", 0)).withFragment(false);
    private static final String ANSWER = "(ACK \\d+ [0-9a-f]{8}|NAK \\d+)";

    private final LongAdder answered = new LongAdder();
    /** Counts what the handler allocates and has not released; must be zero at the end. */
    private final UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(false);

    private EmbeddedChannel channel(ServerConfig config, long seed) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(allocator);
        ch.pipeline().addLast(FooServerHandler.NAME, new FooServerHandler(config, seed, answered));
        return ch;
    }

    @AfterEach
    void everyBufferWasReleased() {
        assertThat(allocator.metric().usedHeapMemory() + allocator.metric().usedDirectMemory()).isZero();
    }

    private static void write(EmbeddedChannel ch, String text) {
        ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    }

    /** Every outbound message, as text, released. */
    private static List<String> drain(EmbeddedChannel ch) {
        List<String> out = new ArrayList<>();
        ByteBuf buf;
        while ((buf = ch.readOutbound()) != null) {
            out.add(buf.toString(StandardCharsets.US_ASCII));
            buf.release();
        }
        return out;
    }

    private static List<String> lines(List<String> messages) {
        String all = String.join("", messages);
        assertThat(all).satisfiesAnyOf(s -> assertThat(s).isEmpty(), s -> assertThat(s).endsWith("\n"));
        return all.isEmpty() ? List.of() : List.of(all.split("\n"));
    }

    private static String reqs(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i <= to; i++) {
            sb.append("REQ ").append(i).append(i % 3 == 0 ? "" : " data" + i).append('\n');
        }
        return sb.toString();
    }

    @Test
    void answersPipelinedRequestsInOrderWithOneWritePerReadBatch() {
        EmbeddedChannel ch = channel(PLAIN, 1);
        write(ch, "REQ 1 aa\nREQ 2 bb\nREQ 3\n");

        List<String> messages = drain(ch);
        assertThat(messages).hasSize(1);
        List<String> lines = lines(messages);
        assertThat(lines).hasSize(3).allMatch(l -> l.matches(ANSWER));
        assertThat(lines).extracting(l -> l.split(" ")[1]).containsExactly("1", "2", "3");
        assertThat(answered.sum()).isEqualTo(3);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void inputSplitAtEveryByteGivesTheSameAnswers() {
        String input = reqs(1, 40);
        EmbeddedChannel whole = channel(PLAIN, 9);
        write(whole, input);
        String expected = String.join("", drain(whole));

        EmbeddedChannel bytewise = channel(PLAIN, 9);
        for (int i = 0; i < input.length(); i++) {
            write(bytewise, input.substring(i, i + 1));
        }
        assertThat(String.join("", drain(bytewise))).isEqualTo(expected);
        assertThat(lines(List.of(expected))).hasSize(40);
        assertThat(whole.finish()).isFalse();
        assertThat(bytewise.finish()).isFalse();
    }

    @Test
    void ignoresLinesThatAreNotRequests() {
        EmbeddedChannel ch = channel(PLAIN, 1);
        write(ch, "ACK 1\nfoo\nREQ\nREQ \nREQ x\nREQ 5\r\nreq 6\n\nREQ  8\nREQ 9x\n"
                + "REQ 1234567890123456789\nREQ 7 ok\nREQ 123456789012345678\n");

        List<String> lines = lines(drain(ch));
        assertThat(lines).extracting(l -> l.split(" ")[1]).containsExactly("7", "123456789012345678");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void echoesTheSeqDigitsAsSent() {
        EmbeddedChannel ch = channel(PLAIN.withNakPercent(0), 1);
        write(ch, "REQ 007 x\n");
        assertThat(lines(drain(ch))).singleElement().asString().matches("ACK 007 [0-9a-f]{8}");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void nakShareFollowsTheSettingAndTheSeed() {
        EmbeddedChannel ch = channel(PLAIN, 42);
        write(ch, reqs(1, 10_000));
        List<String> lines = lines(drain(ch));
        long naks = lines.stream().filter(l -> l.startsWith("NAK ")).count();
        assertThat(lines).hasSize(10_000);
        assertThat(naks).isBetween(850L, 1150L);

        EmbeddedChannel again = channel(PLAIN, 42);
        write(again, reqs(1, 10_000));
        assertThat(lines(drain(again))).isEqualTo(lines);

        EmbeddedChannel otherSeed = channel(PLAIN, 43);
        write(otherSeed, reqs(1, 10_000));
        assertThat(lines(drain(otherSeed))).isNotEqualTo(lines);

        EmbeddedChannel never = channel(PLAIN.withNakPercent(0), 42);
        write(never, reqs(1, 500));
        assertThat(lines(drain(never))).allMatch(l -> l.startsWith("ACK "));

        EmbeddedChannel always = channel(PLAIN.withNakPercent(100), 42);
        write(always, reqs(1, 500));
        assertThat(lines(drain(always))).allMatch(l -> l.matches("NAK \\d+"));

        for (EmbeddedChannel c : List.of(ch, again, otherSeed, never, always)) {
            assertThat(c.finish()).isFalse();
        }
    }

    @Test
    void fragmentationSplitsEveryAnswerButConcatenatesToTheSameBytes() {
        String input = reqs(1, 200);
        EmbeddedChannel plain = channel(PLAIN, 5);
        write(plain, input);
        String expected = String.join("", drain(plain));

        EmbeddedChannel fragmented = channel(PLAIN.withFragment(true), 5);
        write(fragmented, input);
        List<String> pieces = drain(fragmented);

        assertThat(String.join("", pieces)).isEqualTo(expected);
        assertThat(pieces).hasSize(201).allMatch(p -> !p.isEmpty());
        // a write boundary falls strictly inside every answer line
        List<Integer> boundaries = new ArrayList<>();
        int offset = 0;
        for (String p : pieces) {
            offset += p.length();
            boundaries.add(offset);
        }
        int lineStart = 0;
        for (String line : lines(List.of(expected))) {
            int start = lineStart;
            int end = start + line.length() + 1;
            assertThat(boundaries).anyMatch(b -> b > start && b < end);
            lineStart = end;
        }
        assertThat(plain.finish()).isFalse();
        assertThat(fragmented.finish()).isFalse();
    }

    @Test
    void aLineOverTheLimitClosesTheConnectionAfterEarlierAnswers() {
        EmbeddedChannel ch = channel(PLAIN.withMaxLineBytes(32), 1);
        write(ch, "REQ 1\nREQ 2 " + "x".repeat(40) + "\nREQ 3\n");

        List<String> lines = lines(drain(ch));
        assertThat(lines).singleElement().asString().matches("(ACK|NAK) 1.*");
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aLineExactlyAtTheLimitIsAnswered() {
        String line = "REQ 1 " + "x".repeat(26);
        assertThat(line).hasSize(32);
        EmbeddedChannel ch = channel(PLAIN.withMaxLineBytes(32), 1);
        write(ch, line + "\n");
        assertThat(lines(drain(ch))).hasSize(1);
        assertThat(ch.isOpen()).isTrue();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void halfCloseAnswersWhatCameThenCloses() {
        EmbeddedChannel ch = channel(PLAIN, 1);
        write(ch, "REQ 1\nREQ 2 partial-without-lf");
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertThat(lines(drain(ch))).extracting(l -> l.split(" ")[1]).containsExactly("1");
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void delayedAnswersComeAfterTheDelayInOrderAndHalfCloseWaitsForThem() {
        EmbeddedChannel ch = channel(PLAIN.withDelay(Duration.ofMillis(5)), 1);
        ch.freezeTime();
        write(ch, "REQ 1\n");
        ch.advanceTimeBy(2, TimeUnit.MILLISECONDS);
        write(ch, "REQ 2\n");
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        ch.runScheduledPendingTasks();
        assertThat(drain(ch)).isEmpty();
        assertThat(ch.isOpen()).isTrue();

        ch.advanceTimeBy(3, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(lines(drain(ch))).extracting(l -> l.split(" ")[1]).containsExactly("1");
        assertThat(ch.isOpen()).isTrue();

        ch.advanceTimeBy(2, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(lines(drain(ch))).extracting(l -> l.split(" ")[1]).containsExactly("2");
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void delayedAnswersOfAClosedConnectionAreReleased() {
        EmbeddedChannel ch = channel(PLAIN.withDelay(Duration.ofSeconds(1)), 1);
        write(ch, "REQ 1\nREQ 2\n");
        ch.close();
        assertThat(drain(ch)).isEmpty();
        assertThat(ch.finish()).isFalse();
        // everyBufferWasReleased() checks the queued batch was released with the connection
    }
}
