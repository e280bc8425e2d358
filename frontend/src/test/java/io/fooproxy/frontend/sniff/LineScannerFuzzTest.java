package io.fooproxy.frontend.sniff;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The line scanner against a reference model that is too simple to be wrong: the model sees
 * the whole stream at once, splits it at each LF and classifies every line with plain string
 * and {@link BigInteger} code; the scanner sees the same bytes cut into random chunks. Both
 * must report the same events in the same order, for either direction and any line limit.
 *
 * <p>The streams are made of protocol-shaped pieces (types, spaces, digits at the edges of the
 * 19-digit and signed 64-bit bounds, CR, LF, NUL) mixed with random bytes and long runs, so
 * near-misses are common. A seeded generator with a fixed budget ({@value #CASES} cases per
 * test) runs the same cases in the same time on every build; a failure names its case so it
 * can be replayed.
 */
class LineScannerFuzzTest {
    private static final int CASES = 1000;
    private static final long SEED = 0x5eed_f00dL;
    private static final String[] PIECES = {
        "REQ", "ACK", "NAK", "REQ ", "ACK ", "NAK ", "RE", "AC", "NA", "req", "REQ  ", " ", "\n", "\r", "\r\n",
        "\0", "0", "1", "7", "42", "007", "18446744073709551616", "9223372036854775807", "9223372036854775808",
        "1234567890123456789", "01234567890123456789", "00000000000000000001", "REQ 1\n", "ACK 1\n", "NAK 2 x\n",
        "REQ 3\r\n", "REQ 4 data\r\n", "ACK 0\n", "REQ 5 \r\n", "NAK 6\r\r\n",
    };

    @Test
    void chunkedScanningMatchesTheModel() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int n = 0; n < CASES; n++) {
            byte[] stream = stream(random);
            int maxLineLength = 1 + random.nextInt(48);
            Direction direction = random.nextBoolean() ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
            int[] cuts = random.ints(random.nextInt(13), 0, stream.length + 1).sorted().toArray();
            String replay = "case " + n + ": " + direction + ", max " + maxLineLength + ", cuts "
                    + Arrays.toString(cuts) + ", stream " + HexFormat.of().formatHex(stream);

            RecordingSink sink = new RecordingSink();
            List<String> observed = new ArrayList<>();
            List<String> seqs = new ArrayList<>();
            long[] scanned = new long[1];
            LineScanner scanner = new LineScanner(direction, maxLineLength, sink,
                    m -> observed.add(m == null ? "line" : m.name()), new MessageObserver() {
                        @Override
                        public void onMessage(MessageType type, long seq) {
                            seqs.add(type + " " + seq);
                        }

                        @Override
                        public void onWrongDirection(MessageType type, long seq) {
                            seqs.add("wrong " + type + " " + seq);
                        }

                        @Override
                        public void onScanned(Direction d, int bytes) {
                            assertThat(d).isEqualTo(direction);
                            scanned[0] += bytes;
                        }
                    });
            int from = 0;
            for (int cut : cuts) {
                if (cut > from) {
                    scan(scanner, stream, from, cut);
                    from = cut;
                }
            }
            if (from < stream.length) {
                scan(scanner, stream, from, stream.length);
            }

            List<String> expected = Model.events(stream, direction, maxLineLength);
            assertThat(sink.events()).as(replay).isEqualTo(expected);
            // the per-connection observer sees one event per reported line, messages by their type
            assertThat(observed).as(replay).isEqualTo(expected.stream()
                    .map(e -> e.startsWith("invalid") || e.startsWith("oversized") ? "line" : e).toList());
            boolean midLine = stream.length > 0 && stream[stream.length - 1] != '\n';
            assertThat(scanner.inLine()).as(replay).isEqualTo(midLine);
            // the message observer gets each message's seq and each well-formed wrong-way line
            assertThat(seqs).as(replay).isEqualTo(Model.messages(stream, direction, maxLineLength));
            assertThat(scanned[0]).as(replay).isEqualTo(stream.length);
        }
    }

    @Test
    void theModelKnowsWrongWayMessages() {
        byte[] stream = "REQ 5\nACK 7 x\nNAK 9\r\nREQ 0\nACK 2\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(Model.messages(stream, Direction.CLIENT_TO_SERVER, 100))
                .containsExactly("REQ 5", "wrong ACK 7", "wrong NAK 9", "wrong ACK 2");
        assertThat(Model.messages(stream, Direction.SERVER_TO_CLIENT, 100))
                .containsExactly("wrong REQ 5", "ACK 7", "NAK 9", "ACK 2");
    }

    @Test
    void byteAtATimeMatchesTheModel() {
        SplittableRandom random = new SplittableRandom(~SEED);
        for (int n = 0; n < CASES; n++) {
            byte[] stream = stream(random);
            int max = 1 + random.nextInt(48);
            RecordingSink sink = new RecordingSink();
            LineScanner scanner = new LineScanner(Direction.CLIENT_TO_SERVER, max, sink);
            for (int i = 0; i < stream.length; i++) {
                scan(scanner, stream, i, i + 1);
            }
            assertThat(sink.events()).as("case %d: max %d, stream %s", n, max, HexFormat.of().formatHex(stream))
                    .isEqualTo(Model.events(stream, Direction.CLIENT_TO_SERVER, max));
        }
    }

    @Test
    void theModelItselfKnowsTheGrammar() {
        // the model is only a reference if it is right: the documented cases, by hand
        byte[] stream = ("REQ 1\nREQ 007 x\nREQ 5\r\nREQ 0\nREQ 9223372036854775808\nACK 1\n\nREQ 12345678901234567890\n"
                + "REQ 5\r\r\nxxxxxxxxxxx\nREQ 2").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(Model.events(stream, Direction.CLIENT_TO_SERVER, 10)).containsExactly(
                "REQ", "REQ", "REQ", "invalid CLIENT_TO_SERVER", "oversized CLIENT_TO_SERVER",
                "invalid CLIENT_TO_SERVER", "invalid CLIENT_TO_SERVER", "oversized CLIENT_TO_SERVER",
                "invalid CLIENT_TO_SERVER", "oversized CLIENT_TO_SERVER");
    }

    /** Scans a slice with bytes on both sides of it, as a pooled buffer would have. */
    private static void scan(LineScanner scanner, byte[] stream, int from, int to) {
        ByteBuf buf = Unpooled.wrappedBuffer(stream).setIndex(from, to);
        scanner.scan(buf);
        assertThat(buf.readerIndex()).isEqualTo(from);
        assertThat(buf.writerIndex()).isEqualTo(to);
    }

    /**
     * Up to 40 pieces: whole lines built from the grammar with a slip here and there, protocol
     * fragments, random bytes, and long runs without an LF.
     */
    private static byte[] stream(SplittableRandom random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pieces = random.nextInt(41);
        for (int i = 0; i < pieces; i++) {
            int kind = random.nextInt(20);
            if (kind < 8) {
                out.writeBytes(line(random).getBytes(StandardCharsets.ISO_8859_1));
            } else if (kind < 16) {
                out.writeBytes(PIECES[random.nextInt(PIECES.length)].getBytes(StandardCharsets.ISO_8859_1));
            } else if (kind < 19) {
                byte[] junk = new byte[random.nextInt(9)];
                for (int j = 0; j < junk.length; j++) {
                    junk[j] = (byte) random.nextInt(256);
                }
                out.writeBytes(junk);
            } else {
                out.writeBytes("x".repeat(1 + random.nextInt(120)).getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        return out.toByteArray();
    }

    /** {@code TYPE SEQ[ DATA|CR]LF}, with seqs at the edges of the bounds. */
    private static String line(SplittableRandom random) {
        String type = new String[] {"REQ", "ACK", "NAK", "REQ", "RAQ", ""}[random.nextInt(6)];
        String seq = switch (random.nextInt(8)) {
            case 0 -> "9223372036854775807"; // the largest
            case 1 -> "9223372036854775808"; // one more
            case 2 -> "0";
            case 3 -> "0000000000000000001"; // 19 digits, value 1
            case 4 -> "00000000000000000001"; // 20 digits
            case 5 -> "";
            default -> {
                String digits = Long.toString(1 + random.nextLong(Long.MAX_VALUE - 1));
                yield digits.substring(0, Math.min(digits.length(), 1 + random.nextInt(19)));
            }
        };
        String tail = switch (random.nextInt(5)) {
            case 0 -> "";
            case 1 -> "\r";
            case 2 -> " data";
            case 3 -> " \r";
            default -> "x";
        };
        return type + (random.nextInt(10) == 0 ? "" : " ") + seq + tail + "\n";
    }

    /**
     * The grammar, read straight off the scanner's documentation, over a whole stream: each
     * complete line is a message, invalid, or (longer than the limit) oversized; a last line
     * without its LF is reported only when it is already over the limit.
     */
    static final class Model {
        private static final BigInteger MAX_SEQ = BigInteger.valueOf(Long.MAX_VALUE);

        static List<String> events(byte[] stream, Direction direction, int maxLineLength) {
            List<String> events = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < stream.length; i++) {
                if (stream[i] == '\n') {
                    events.add(classify(new String(stream, start, i - start, StandardCharsets.ISO_8859_1),
                            direction, maxLineLength));
                    start = i + 1;
                }
            }
            if (stream.length - start > maxLineLength) {
                events.add("oversized " + direction);
            }
            return events;
        }

        private static String classify(String line, Direction direction, int maxLineLength) {
            if (line.length() > maxLineLength) {
                return "oversized " + direction;
            }
            List<String> types = direction == Direction.CLIENT_TO_SERVER ? List.of("REQ") : List.of("ACK", "NAK");
            for (String type : types) {
                if (line.startsWith(type + " ") && validAfterType(line.substring(type.length() + 1))) {
                    return type;
                }
            }
            return "invalid " + direction;
        }

        /**
         * What the message observer sees: {@code TYPE SEQ} for each valid message, {@code wrong
         * TYPE SEQ} for each line that is a valid message of the other direction.
         */
        static List<String> messages(byte[] stream, Direction direction, int maxLineLength) {
            List<String> events = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < stream.length; i++) {
                if (stream[i] == '\n') {
                    String line = new String(stream, start, i - start, StandardCharsets.ISO_8859_1);
                    start = i + 1;
                    if (line.length() > maxLineLength) {
                        continue;
                    }
                    for (String type : List.of("REQ", "ACK", "NAK")) {
                        if (line.startsWith(type + " ") && validAfterType(line.substring(type.length() + 1))) {
                            String rest = line.substring(type.length() + 1);
                            int digits = 0;
                            while (digits < rest.length() && Character.isDigit(rest.charAt(digits))) {
                                digits++;
                            }
                            long seq = Long.parseLong(rest.substring(0, digits));
                            boolean valid = type.equals("REQ") == (direction == Direction.CLIENT_TO_SERVER);
                            events.add((valid ? "" : "wrong ") + type + " " + seq);
                        }
                    }
                }
            }
            return events;
        }

        /** {@code <seq>}, then nothing, a lone CR, or a space and any data. */
        private static boolean validAfterType(String rest) {
            int digits = 0;
            while (digits < rest.length() && rest.charAt(digits) >= '0' && rest.charAt(digits) <= '9') {
                digits++;
            }
            if (digits == 0 || digits > 19) {
                return false;
            }
            BigInteger seq = new BigInteger(rest.substring(0, digits));
            if (seq.signum() <= 0 || seq.compareTo(MAX_SEQ) > 0) {
                return false;
            }
            String after = rest.substring(digits);
            return after.isEmpty() || after.equals("\r") || after.startsWith(" ");
        }
    }
}
