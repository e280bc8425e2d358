package io.fooproxy.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.fooproxy.proto.json.StatsJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StatsPrinterTest {

    @Test
    void printsOneJsonLinePerCall() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TestStatsView view = TestStatsView.sample();
        StatsPrinter printer = new StatsPrinter(view, new PrintStream(bytes, false, StandardCharsets.UTF_8));

        printer.print();
        printer.print();

        String expected = StatsJson.toJson(TestStatsView.sampleStats());
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(expected + "\n" + expected + "\n");
        assertThat(expected).startsWith("{\"msg_total\":60,\"msg_req\":30,");
    }

    @Test
    void aFailingSnapshotPrintsNothingAndDoesNotThrow() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StatsPrinter printer = new StatsPrinter(() -> {
            throw new IllegalStateException("boom");
        }, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        printer.print();

        assertThat(bytes.size()).isZero();
    }
}
