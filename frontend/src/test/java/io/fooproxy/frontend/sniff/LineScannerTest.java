package io.fooproxy.frontend.sniff;

import static io.fooproxy.frontend.sniff.Direction.CLIENT_TO_SERVER;
import static io.fooproxy.frontend.sniff.Direction.SERVER_TO_CLIENT;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class LineScannerTest {
    private static final int MAX = 65536;

    private final RecordingSink sink = new RecordingSink();

    static Stream<Arguments> validLines() {
        return Stream.of(
                Arguments.of(CLIENT_TO_SERVER, "REQ 1\n", "REQ"),
                Arguments.of(CLIENT_TO_SERVER, "REQ 1 \n", "REQ"),
                Arguments.of(CLIENT_TO_SERVER, "REQ 42 hello world\n", "REQ"),
                Arguments.of(CLIENT_TO_SERVER, "REQ 5\r\n", "REQ"),
                Arguments.of(CLIENT_TO_SERVER, "REQ 7 data\r\n", "REQ"),
                Arguments.of(CLIENT_TO_SERVER, "REQ 9223372036854775807\n", "REQ"),
                Arguments.of(CLIENT_TO_SERVER, "REQ 9223372036854775807 max\n", "REQ"),
                Arguments.of(CLIENT_TO_SERVER, "REQ 0000000000000000001\n", "REQ"),
                Arguments.of(CLIENT_TO_SERVER, "REQ 3 a\0b\0\n", "REQ"),
                Arguments.of(CLIENT_TO_SERVER, "REQ 3  double space and REQ 4 inside\n", "REQ"),
                Arguments.of(CLIENT_TO_SERVER, "REQ 8 \r\r\r\n", "REQ"),
                Arguments.of(CLIENT_TO_SERVER, "REQ 9 \u00ff\u0080binary\n", "REQ"),
                Arguments.of(SERVER_TO_CLIENT, "ACK 1\n", "ACK"),
                Arguments.of(SERVER_TO_CLIENT, "ACK 1 \n", "ACK"),
                Arguments.of(SERVER_TO_CLIENT, "ACK 12 5a3f\n", "ACK"),
                Arguments.of(SERVER_TO_CLIENT, "ACK 12\r\n", "ACK"),
                Arguments.of(SERVER_TO_CLIENT, "NAK 2\n", "NAK"),
                Arguments.of(SERVER_TO_CLIENT, "NAK 2 busy, try later\n", "NAK"),
                Arguments.of(SERVER_TO_CLIENT, "NAK 9223372036854775807 \0\n", "NAK"));
    }

    static Stream<Arguments> invalidLines() {
        return Stream.of(
                Arguments.of(CLIENT_TO_SERVER, "\n"),
                Arguments.of(CLIENT_TO_SERVER, "\r\n"),
                Arguments.of(CLIENT_TO_SERVER, " \n"),
                Arguments.of(CLIENT_TO_SERVER, "REQ\n"),
                Arguments.of(CLIENT_TO_SERVER, "REQ \n"),
                Arguments.of(CLIENT_TO_SERVER, "REQ \r\n"),
                Arguments.of(CLIENT_TO_SERVER, "REQ  1\n"),
                Arguments.of(CLIENT_TO_SERVER, "REQ1\n"),
                Arguments.of(CLIENT_TO_SERVER, "REQ x\n"),
                Arguments.of(CLIENT_TO_SERVER, "REQ 1x\n"),
                Arguments.of(CLIENT_TO_SERVER, "REQ 1x data\n"),
                Arguments.of(CLIENT_TO_SERVER, "REQ 0\n"),
                Arguments.of(CLIENT_TO_SERVER, "REQ 0 data\n"),
                Arguments.of(CLIENT_TO_SERVER, "REQ 000\n"),
                Arguments.of(CLIENT_TO_SERVER, "REQ -1\n"),
                Arguments.of(CLIENT_TO_SERVER, "REQ +1\n"),
                Arguments.of(CLIENT_TO_SERVER, "REQ 9223372036854775808\n"),
                Arguments.of(CLIENT_TO_SERVER, "REQ 9999999999999999999 x\n"),
                Arguments.of(CLIENT_TO_SERVER, "REQ 99999999999999999999\n"),
                Arguments.of(CLIENT_TO_SERVER, "REQ 00000000000000000001\n"),
                Arguments.of(CLIENT_TO_SERVER, "REQ 1\r\r\n"),
                Arguments.of(CLIENT_TO_SERVER, "REQ 1\rX\n"),
                Arguments.of(CLIENT_TO_SERVER, "REQ\t1\n"),
                Arguments.of(CLIENT_TO_SERVER, "req 1\n"),
                Arguments.of(CLIENT_TO_SERVER, "Req 1\n"),
                Arguments.of(CLIENT_TO_SERVER, " REQ 1\n"),
                Arguments.of(CLIENT_TO_SERVER, "REQUEST 1\n"),
                Arguments.of(CLIENT_TO_SERVER, "RE\0 1\n"),
                Arguments.of(CLIENT_TO_SERVER, "\0REQ 1\n"),
                Arguments.of(CLIENT_TO_SERVER, "REQ \0\n"),
                Arguments.of(CLIENT_TO_SERVER, "REQ 1\0\n"),
                Arguments.of(CLIENT_TO_SERVER, "garbage\n"),
                Arguments.of(CLIENT_TO_SERVER, "\u00ff\u00fe\u0001\u0002\n"),
                Arguments.of(CLIENT_TO_SERVER, "ACK 1\n"), // right type, wrong direction
                Arguments.of(CLIENT_TO_SERVER, "NAK 1 x\n"),
                Arguments.of(SERVER_TO_CLIENT, "REQ 1\n"),
                Arguments.of(SERVER_TO_CLIENT, "REQ 1 data\n"),
                Arguments.of(SERVER_TO_CLIENT, "\n"),
                Arguments.of(SERVER_TO_CLIENT, "ACK\n"),
                Arguments.of(SERVER_TO_CLIENT, "ACK \n"),
                Arguments.of(SERVER_TO_CLIENT, "ACKK 1\n"),
                Arguments.of(SERVER_TO_CLIENT, "AC 1\n"),
                Arguments.of(SERVER_TO_CLIENT, "NAC 1\n"),
                Arguments.of(SERVER_TO_CLIENT, "NAKK 1\n"),
                Arguments.of(SERVER_TO_CLIENT, "ACK x\n"),
                Arguments.of(SERVER_TO_CLIENT, "NAK 0\n"),
                Arguments.of(SERVER_TO_CLIENT, "ACK 12345678901234567890\n"),
                Arguments.of(SERVER_TO_CLIENT, "ACK 5\r ok\n"),
                Arguments.of(SERVER_TO_CLIENT, "A\0K 1\n"),
                Arguments.of(SERVER_TO_CLIENT, "N\n"));
    }

    @ParameterizedTest
    @MethodSource("validLines")
    void validLineIsOneMessageHoweverItIsSplitInTwo(Direction direction, String line, String type) {
        byte[] bytes = line.getBytes(ISO_8859_1);
        for (int cut = 0; cut <= bytes.length; cut++) {
            LineScanner scanner = new LineScanner(direction, MAX, sink);
            feed(scanner, bytes, cut);
            assertThat(sink.events()).as("cut at %d", cut).containsExactly(type);
            assertThat(scanner.inLine()).isFalse();
            sink.clear();
        }
    }

    @ParameterizedTest
    @MethodSource("validLines")
    void validLineIsOneMessageHoweverItIsSplitInThree(Direction direction, String line, String type) {
        byte[] bytes = line.getBytes(ISO_8859_1);
        for (int a = 0; a <= bytes.length; a++) {
            for (int b = a; b <= bytes.length; b++) {
                LineScanner scanner = new LineScanner(direction, MAX, sink);
                feed(scanner, bytes, a, b);
                assertThat(sink.events()).as("cuts at %d and %d", a, b).containsExactly(type);
                sink.clear();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("invalidLines")
    void invalidLineIsOneInvalidReportHoweverItIsSplit(Direction direction, String line) {
        byte[] bytes = line.getBytes(ISO_8859_1);
        for (int a = 0; a <= bytes.length; a++) {
            for (int b = a; b <= bytes.length; b++) {
                LineScanner scanner = new LineScanner(direction, MAX, sink);
                feed(scanner, bytes, a, b);
                assertThat(sink.events()).as("cuts at %d and %d", a, b).containsExactly("invalid " + direction);
                sink.clear();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("validLines")
    void stateResetsAfterEachLine(Direction direction, String line, String type) {
        LineScanner scanner = new LineScanner(direction, MAX, sink);
        String next = direction == CLIENT_TO_SERVER ? "REQ 2\n" : "NAK 2\n";
        scanner.scan(buf("garbage\n" + line + next + line));
        assertThat(sink.events()).containsExactly(
                "invalid " + direction, type, direction == CLIENT_TO_SERVER ? "REQ" : "NAK", type);
    }

    @Test
    void manyLinesInOneBuffer() {
        LineScanner scanner = new LineScanner(SERVER_TO_CLIENT, MAX, sink);
        StringBuilder s = new StringBuilder();
        for (int i = 1; i <= 1000; i++) {
            s.append(i % 3 == 0 ? "NAK " : "ACK ").append(i).append(i % 2 == 0 ? " payload\n" : "\n");
            if (i % 100 == 0) {
                s.append("oops\n");
            }
        }
        scanner.scan(buf(s.toString()));
        List<String> events = sink.events();
        assertThat(events).hasSize(1010);
        assertThat(events.stream().filter("ACK"::equals).count()).isEqualTo(667);
        assertThat(events.stream().filter("NAK"::equals).count()).isEqualTo(333);
        assertThat(events.stream().filter(("invalid " + SERVER_TO_CLIENT)::equals).count()).isEqualTo(10);
    }

    @Test
    void linesOfOneKindInARowReachTheSinkAsOneRunPerBuffer() {
        LineScanner scanner = new LineScanner(SERVER_TO_CLIENT, MAX, sink);
        // runs: 3 ACK | 1 NAK | 2 invalid (a REQ from the server too) | 1 ACK; ACK 7 has no LF yet
        scanner.scan(buf("ACK 1\nACK 2 x\nACK 3\nNAK 4\nbad\nREQ 5\nACK 6\nACK 7"));
        assertThat(sink.events()).containsExactly("ACK", "ACK", "ACK", "NAK", "invalid " + SERVER_TO_CLIENT,
                "invalid " + SERVER_TO_CLIENT, "ACK");
        assertThat(sink.lineReports()).isEqualTo(4);
        // the next buffer finishes ACK 7 and starts a new run: no run spans two buffers
        scanner.scan(buf("\nACK 8\n"));
        assertThat(sink.events()).endsWith("ACK", "ACK", "ACK");
        assertThat(sink.lineReports()).isEqualTo(5);
    }

    @Test
    void anOversizedLineEndsTheRunBeforeIt() {
        LineScanner scanner = new LineScanner(CLIENT_TO_SERVER, 8, sink);
        scanner.scan(buf("REQ 1\nREQ 2\nREQ 3 far too long\nREQ 4\n"));
        assertThat(sink.events()).containsExactly("REQ", "REQ", "oversized CLIENT_TO_SERVER", "REQ");
        assertThat(sink.lineReports()).isEqualTo(2);
    }

    @Test
    void linesStraddlingManySmallBuffers() {
        LineScanner scanner = new LineScanner(CLIENT_TO_SERVER, MAX, sink);
        byte[] all = "REQ 1 first\nREQ 22 second one\nbad line\nREQ 333\r\n".getBytes(ISO_8859_1);
        for (int chunk = 1; chunk <= 7; chunk++) {
            for (int i = 0; i < all.length; i += chunk) {
                scanner.scan(Unpooled.wrappedBuffer(all, i, Math.min(chunk, all.length - i)));
            }
        }
        List<String> once = List.of("REQ", "REQ", "invalid CLIENT_TO_SERVER", "REQ");
        List<String> expected = new ArrayList<>();
        for (int chunk = 1; chunk <= 7; chunk++) {
            expected.addAll(once);
        }
        assertThat(sink.events()).isEqualTo(expected);
    }

    @Test
    void lineExactlyAtTheLimitIsClassified() {
        LineScanner scanner = new LineScanner(CLIENT_TO_SERVER, 16, sink);
        String line = "REQ 1 0123456789"; // 16 bytes before the LF
        assertThat(line).hasSize(16);
        scanner.scan(buf(line + "\n"));
        assertThat(sink.events()).containsExactly("REQ");
    }

    @Test
    void lineWithCrExactlyAtTheLimitIsClassified() {
        LineScanner scanner = new LineScanner(CLIENT_TO_SERVER, 6, sink);
        scanner.scan(buf("REQ 12\r\n")); // 7 bytes before the LF: over
        scanner.scan(buf("REQ 1\r\n")); // 6 bytes: at the limit
        assertThat(sink.events()).containsExactly("oversized CLIENT_TO_SERVER", "REQ");
    }

    @Test
    void headerEndingAtTheLimitIsClassifiedAndOneByteMoreIsOversized() {
        LineScanner scanner = new LineScanner(CLIENT_TO_SERVER, 6, sink);
        scanner.scan(buf("REQ 12\nREQ 123\nREQ 1 \nREQ 12 \nREQ 1 x\n"));
        assertThat(sink.events()).containsExactly("REQ", "oversized CLIENT_TO_SERVER", "REQ",
                "oversized CLIENT_TO_SERVER", "oversized CLIENT_TO_SERVER");
    }

    @Test
    void lineOneOverTheLimitIsOversizedOnly() {
        LineScanner scanner = new LineScanner(CLIENT_TO_SERVER, 16, sink);
        scanner.scan(buf("REQ 1 01234567890\nREQ 2\n"));
        assertThat(sink.events()).containsExactly("oversized CLIENT_TO_SERVER", "REQ");
    }

    @Test
    void invalidLineOverTheLimitIsOversizedOnly() {
        LineScanner scanner = new LineScanner(SERVER_TO_CLIENT, 8, sink);
        scanner.scan(buf("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nACK 2\n"));
        assertThat(sink.events()).containsExactly("oversized SERVER_TO_CLIENT", "ACK");
    }

    @Test
    void limitCanBeHitInsideTheHeader() {
        LineScanner scanner = new LineScanner(CLIENT_TO_SERVER, 3, sink);
        scanner.scan(buf("REQ 1\nREQ\nREQ 1234 data\n"));
        assertThat(sink.events()).containsExactly(
                "oversized CLIENT_TO_SERVER", "invalid CLIENT_TO_SERVER", "oversized CLIENT_TO_SERVER");
    }

    @Test
    void oversizedLineIsReportedOnceHoweverItIsSplit() {
        byte[] bytes = "REQ 1 0123456789abcdef\nREQ 2\n".getBytes(ISO_8859_1);
        for (int a = 0; a <= bytes.length; a++) {
            for (int b = a; b <= bytes.length; b++) {
                LineScanner scanner = new LineScanner(CLIENT_TO_SERVER, 10, sink);
                feed(scanner, bytes, a, b);
                assertThat(sink.events()).as("cuts at %d and %d", a, b)
                        .containsExactly("oversized CLIENT_TO_SERVER", "REQ");
                sink.clear();
            }
        }
    }

    @Test
    void oneMebibyteLineIsCountedOnceAndTheNextLineStillClassified() {
        LineScanner scanner = new LineScanner(CLIENT_TO_SERVER, MAX, sink);
        byte[] chunk = new byte[8192];
        Arrays.fill(chunk, (byte) 'x');
        scanner.scan(buf("REQ 1 "));
        for (int i = 0; i < 128; i++) { // 1 MiB of data, no LF
            scanner.scan(Unpooled.wrappedBuffer(chunk));
        }
        assertThat(sink.events()).containsExactly("oversized CLIENT_TO_SERVER");
        assertThat(scanner.inLine()).isTrue();
        scanner.scan(buf("tail\nREQ 2 next\n"));
        assertThat(sink.events()).containsExactly("oversized CLIENT_TO_SERVER", "REQ");
    }

    @Test
    void oneMebibyteLineInOneBuffer() {
        LineScanner scanner = new LineScanner(SERVER_TO_CLIENT, MAX, sink);
        byte[] big = new byte[1 << 20];
        Arrays.fill(big, (byte) 'y');
        byte[] head = "ACK 1 ".getBytes(ISO_8859_1);
        System.arraycopy(head, 0, big, 0, head.length);
        big[big.length - 1] = '\n';
        scanner.scan(Unpooled.wrappedBuffer(big));
        scanner.scan(buf("NAK 2\n"));
        assertThat(sink.events()).containsExactly("oversized SERVER_TO_CLIENT", "NAK");
    }

    @Test
    void lastLineWithoutLfIsNotReported() {
        LineScanner scanner = new LineScanner(CLIENT_TO_SERVER, MAX, sink);
        scanner.scan(buf("REQ 1\nREQ 2 never finished"));
        assertThat(sink.events()).containsExactly("REQ");
        assertThat(scanner.inLine()).isTrue();
    }

    @Test
    void emptyBufferChangesNothing() {
        LineScanner scanner = new LineScanner(CLIENT_TO_SERVER, MAX, sink);
        scanner.scan(buf("REQ 1"));
        scanner.scan(Unpooled.EMPTY_BUFFER);
        scanner.scan(buf("\n"));
        assertThat(sink.events()).containsExactly("REQ");
    }

    @Test
    void readsOnlyTheReadableBytesAndMovesNoIndex() {
        LineScanner scanner = new LineScanner(CLIENT_TO_SERVER, MAX, sink);
        ByteBuf buf = Unpooled.buffer(64);
        buf.writeBytes("garbage\nREQ 1\nREQ 2\n".getBytes(ISO_8859_1));
        buf.readerIndex(8); // "garbage\n" already consumed by someone
        buf.writerIndex(buf.writerIndex() - 6); // "REQ 2\n" not written yet
        scanner.scan(buf);
        assertThat(sink.events()).containsExactly("REQ");
        assertThat(buf.readerIndex()).isEqualTo(8);
        assertThat(buf.writerIndex()).isEqualTo(14);
        buf.release();
    }

    @Test
    void rejectsNonPositiveLimit() {
        assertThatThrownBy(() -> new LineScanner(CLIENT_TO_SERVER, 0, sink))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Random lines, valid and not, cut into random buffers, checked against a plain regular
     * expression over whole lines. Small buffers cut nearly every header, so the byte-by-byte
     * parser does most of the work; large ones hold most headers whole, so the one-go path for
     * the common header does.
     */
    @ParameterizedTest
    @ValueSource(ints = {20, 2000})
    void agreesWithAReferenceClassifierOnRandomTraffic(int largestBuffer) {
        Random random = new Random(20240601L);
        for (Direction direction : Direction.values()) {
            for (int round = 0; round < 50; round++) {
                int max = 8 + random.nextInt(40);
                List<String> lines = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    lines.add(randomLine(random, direction));
                }
                byte[] stream = String.join("", lines).getBytes(ISO_8859_1);
                LineScanner scanner = new LineScanner(direction, max, sink);
                for (int i = 0; i < stream.length; ) {
                    int n = Math.min(stream.length - i, random.nextInt(largestBuffer));
                    scanner.scan(Unpooled.wrappedBuffer(stream, i, n));
                    i += n;
                }
                List<String> expected = lines.stream().map(l -> reference(direction, l, max)).toList();
                assertThat(sink.events()).as("round %d", round).isEqualTo(expected);
                sink.clear();
            }
        }
    }

    private static final Pattern REQ_LINE = Pattern.compile("REQ ([0-9]{1,19})(\r| [^\n]*)?", Pattern.DOTALL);
    private static final Pattern ANSWER_LINE = Pattern.compile("(ACK|NAK) ([0-9]{1,19})(\r| [^\n]*)?", Pattern.DOTALL);

    private static String reference(Direction direction, String lineWithLf, int max) {
        String line = lineWithLf.substring(0, lineWithLf.length() - 1);
        if (line.length() > max) {
            return "oversized " + direction;
        }
        Matcher m = (direction == CLIENT_TO_SERVER ? REQ_LINE : ANSWER_LINE).matcher(line);
        if (!m.matches()) {
            return "invalid " + direction;
        }
        String type = direction == CLIENT_TO_SERVER ? "REQ" : m.group(1);
        String seq = direction == CLIENT_TO_SERVER ? m.group(1) : m.group(2);
        try {
            return Long.parseLong(seq) >= 1 ? type : "invalid " + direction;
        } catch (NumberFormatException e) {
            return "invalid " + direction;
        }
    }

    private static String randomLine(Random random, Direction direction) {
        String[] types = {"REQ", "ACK", "NAK", "REQ", "ACK", "NAK", "RE", "XYZ", "", "req"};
        String[] seqs = {"1", "42", "0", "9223372036854775807", "9223372036854775808", "", "x", "00012",
                "123456789012345678", "1234567890123456789", "000000000000000000", "0000000000000000001",
                String.valueOf(Math.abs(random.nextLong()) + 1)};
        String[] tails = {"", " ", " data", "\r", "\r\r", " a\rb", " \0\0", "x", " " + "z".repeat(random.nextInt(60))};
        String line = types[random.nextInt(types.length)]
                + (random.nextInt(10) == 0 ? "" : " ")
                + seqs[random.nextInt(seqs.length)]
                + tails[random.nextInt(tails.length)];
        if (random.nextInt(20) == 0) {
            line = "\u00ff\u0000" + line; // binary junk in front
        }
        return line + "\n";
    }

    private static ByteBuf buf(String s) {
        return Unpooled.wrappedBuffer(s.getBytes(ISO_8859_1));
    }

    /** Scans {@code bytes} as buffers cut at the given offsets (empty pieces included). */
    private static void feed(LineScanner scanner, byte[] bytes, int... cuts) {
        int from = 0;
        for (int cut : cuts) {
            scanner.scan(Unpooled.wrappedBuffer(bytes, from, cut - from));
            from = cut;
        }
        scanner.scan(Unpooled.wrappedBuffer(bytes, from, bytes.length - from));
    }
}
