package io.fooproxy.frontend.stats;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.fooproxy.frontend.sniff.MessageType;
import io.fooproxy.proto.json.StatsJson;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class StatsPrinterTest {

    @Test
    void printsOneFlushedJsonLinePerCall() {
        LocalCounters counters = new LocalCounters(new MutableClock(1_700_000_000_000L));
        counters.onMessage(MessageType.REQ);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // no autoflush: the printer must flush itself
        PrintStream out = new PrintStream(new UnbufferedUntilFlush(bytes), false, UTF_8);
        StatsPrinter printer = new StatsPrinter(counters, out);

        printer.print();
        String first = bytes.toString(UTF_8);
        assertThat(first).isEqualTo(StatsJson.toJson(counters.currentStats()) + "\n");
        assertThat(first).startsWith("{\"msg_total\":1,\"msg_req\":1,").contains("\"source\":\"frontend-local\"");

        counters.onMessage(MessageType.ACK);
        printer.print();
        String[] lines = bytes.toString(UTF_8).split("\n", -1);
        assertThat(lines).hasSize(3);
        assertThat(lines[1]).contains("\"msg_total\":2");
        assertThat(lines[2]).isEmpty();
    }

    @Test
    void theLimitFiguresFollowTheStatsFieldsInTheSameObject() {
        LocalCounters counters = new LocalCounters(new MutableClock(1_700_000_000_000L));
        LimitCounters limits = new LimitCounters();
        limits.onDenied("deny 10.0.0.0/8");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new StatsPrinter(counters, new PrintStream(bytes, true, UTF_8), limits).print();

        String line = bytes.toString(UTF_8);
        String stats = StatsJson.toJson(counters.currentStats());
        assertThat(line).startsWith(stats.substring(0, stats.length() - 1) + ",\"limits\":{")
                .endsWith("}}\n")
                .contains("\"connections_denied\":1,\"denied_by_rule\":{\"deny 10.0.0.0/8\":1}");
    }

    @Test
    void aFailingSourcePrintsNothingAndDoesNotThrow() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StatsPrinter printer = new StatsPrinter(() -> {
            throw new IllegalStateException("no figures");
        }, new PrintStream(bytes, true, UTF_8));
        printer.print();
        assertThat(bytes.size()).isZero();
    }

    /** Buffers writes and passes them on only at flush, to prove the printer flushes. */
    private static final class UnbufferedUntilFlush extends OutputStream {
        private final ByteArrayOutputStream target;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        UnbufferedUntilFlush(ByteArrayOutputStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) {
            pending.write(b);
        }

        @Override
        public void flush() {
            target.writeBytes(pending.toByteArray());
            pending.reset();
        }
    }
}
