package io.fooproxy.testkit.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnswerParserTest {

    /** Records what the parser reports; stops at the first malformed line, as the load connection does. */
    private static final class Recorder implements AnswerParser.Sink {
        final List<String> events = new ArrayList<>();

        @Override
        public boolean onAnswer(boolean ack, long seq) {
            events.add((ack ? "ACK " : "NAK ") + seq);
            return true;
        }

        @Override
        public boolean onMalformed(String reason) {
            events.add("malformed: " + reason);
            return false;
        }
    }

    private static List<String> parse(int maxLine, String... pieces) {
        Recorder recorder = new Recorder();
        AnswerParser parser = new AnswerParser(recorder, maxLine);
        for (String piece : pieces) {
            ByteBuf buf = Unpooled.copiedBuffer(piece, StandardCharsets.US_ASCII);
            try {
                if (buf.forEachByte(parser) >= 0) {
                    break;
                }
            } finally {
                buf.release();
            }
        }
        return recorder.events;
    }

    private static List<String> parse(String... pieces) {
        return parse(1 << 20, pieces);
    }

    @Test
    void parsesAcksAndNaksWithAndWithoutData() {
        assertThat(parse("ACK 1 5a3f\nNAK 2\nACK 3\nNAK 4 why\nACK 123456789012345678 x y z\n"))
                .containsExactly("ACK 1", "NAK 2", "ACK 3", "NAK 4", "ACK 123456789012345678");
    }

    @Test
    void aLineSplitAtAnyByteParsesTheSame() {
        String input = "ACK 12 5a3f00\nNAK 13\nACK 14 \n";
        List<String> expected = parse(input);
        assertThat(expected).containsExactly("ACK 12", "NAK 13", "ACK 14");
        for (int i = 0; i <= input.length(); i++) {
            assertThat(parse(input.substring(0, i), input.substring(i))).as("split at %d", i).isEqualTo(expected);
        }
        assertThat(parse(input.split(""))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "REQ 1|expected ACK or NAK: 'REQ 1'",
            "ACKS 1|expected ACK or NAK: 'ACKS 1'",
            "NAC 1|expected ACK or NAK: 'NAC 1'",
            "ACK|incomplete answer: 'ACK'",
            "\"ACK \"|incomplete answer: 'ACK '",
            "\"\"|incomplete answer: ''",
            "ACK x|seq is not a decimal number: 'ACK x'",
            "ACK 1x|seq is not a decimal number: 'ACK 1x'",
            "ACK  1|seq is not a decimal number: 'ACK  1'",
            "ACK -1|seq is not a decimal number: 'ACK -1'",
            "ACK 1234567890123456789|seq longer than 18 digits: 'ACK 1234567890123456789'",
    })
    void reportsMalformedLines(String line, String reason) {
        assertThat(parse("ACK 1\n" + line + "\nACK 2\n")).containsExactly("ACK 1", "malformed: " + reason);
    }

    @Test
    void crBeforeLfIsMalformed() {
        assertThat(parse("ACK 1\r\n")).containsExactly("malformed: seq is not a decimal number: 'ACK 1\\x0d'");
    }

    @Test
    void aLineOverTheLimitIsReportedWithoutWaitingForItsEnd() {
        assertThat(parse(16, "ACK 1 0123456789", "abcdef")).singleElement().asString()
                .startsWith("malformed: answer line longer than 16 bytes: 'ACK 1 0123456789");
    }
}
