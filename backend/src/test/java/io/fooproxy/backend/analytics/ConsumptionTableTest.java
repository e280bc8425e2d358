package io.fooproxy.backend.analytics;

import static io.fooproxy.backend.analytics.AnalyticsBatches.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fooproxy.proto.recovery.v1.ConsumerRecord;
import io.fooproxy.proto.recovery.v1.ConsumptionRecord;
import io.fooproxy.proto.stats.v1.Consumer;
import io.fooproxy.proto.stats.v1.TopConsumers;
import io.fooproxy.proto.telemetry.v1.ClientUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConsumptionTableTest {
    private static final long DAY = 86_400_000L;
    /** 2026-01-02T10:00:00Z. */
    private static final long T = 1_767_348_000_000L;
    private static final ClientUsage NONE = ClientUsage.getDefaultInstance();

    @Test
    void spaceSavingUnderTenThousandAddressesStaysAtItsCapKeepsExactTotalsAndFindsTheHeavyHitters() {
        int k = 100;
        ConsumptionTable table = new ConsumptionTable(new AnalyticsSettings(Duration.ofDays(1), k, 10), T);
        Map<String, long[]> truth = new HashMap<>();
        Random random = new Random(7);
        long totalMessages = 0;
        long totalBytes = 0;
        // 10 heavy hitters with 2 000..1 100 messages each, 10 000 light addresses with 1..3, interleaved
        List<ClientUsage> events = new ArrayList<>();
        for (int h = 0; h < 10; h++) {
            for (int i = 0; i < 20; i++) {
                events.add(client("10.0.0." + h, 100 - 5 * h, (100 - 5 * h) * 40L));
            }
        }
        for (int i = 0; i < 10_000; i++) {
            long m = 1 + random.nextInt(3);
            events.add(client("127." + (i / 65536) + "." + (i / 256 % 256) + "." + (i % 256), m, m * 40));
        }
        java.util.Collections.shuffle(events, random);
        for (int i = 0; i < events.size(); i += 50) {
            List<ClientUsage> batch = events.subList(i, Math.min(events.size(), i + 50));
            table.add(batch, NONE, T);
            for (ClientUsage c : batch) {
                long[] t = truth.computeIfAbsent(c.getAddress(), a -> new long[2]);
                t[0] += c.getMessages();
                t[1] += c.getBytes();
                totalMessages += c.getMessages();
                totalBytes += c.getBytes();
            }
        }
        TopConsumers top = table.top(k, ConsumerOrder.MESSAGES);
        assertThat(truth).hasSizeGreaterThan(10_000);
        assertThat(table.trackedClients()).isEqualTo(k);
        assertThat(top.getTrackedClients()).isEqualTo(k);
        assertThat(top.getTotalMessages()).isEqualTo(totalMessages);
        assertThat(top.getTotalBytes()).isEqualTo(totalBytes);
        // the ten heavy hitters, in their true order
        assertThat(top.getTopList().subList(0, 10)).extracting(Consumer::getAddress)
                .containsExactly("10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4",
                        "10.0.0.5", "10.0.0.6", "10.0.0.7", "10.0.0.8", "10.0.0.9");
        assertThat(table.top(3, ConsumerOrder.BYTES).getTopList()).extracting(Consumer::getAddress)
                .containsExactly("10.0.0.0", "10.0.0.1", "10.0.0.2");
        // the documented bound holds for every entry
        for (Consumer c : top.getTopList()) {
            long trueMessages = truth.get(c.getAddress())[0];
            long trueBytes = truth.get(c.getAddress())[1];
            assertThat(c.getMessages()).as(c.getAddress()).isGreaterThanOrEqualTo(trueMessages);
            assertThat(c.getMessages() - c.getMaxOvercountMessages()).as(c.getAddress()).isLessThanOrEqualTo(trueMessages);
            assertThat(c.getMaxOvercountMessages()).isLessThanOrEqualTo(totalMessages / k);
            assertThat(c.getBytes() - c.getMaxOvercountBytes()).as(c.getAddress()).isLessThanOrEqualTo(trueBytes);
        }
        // an address with more than M/K messages is always tracked
        long bound = totalMessages / k;
        truth.forEach((address, t) -> {
            if (t[0] > bound) {
                assertThat(top.getTopList()).extracting(Consumer::getAddress).contains(address);
            }
        });
    }

    @Test
    void belowTheCapEveryCountIsExact() {
        ConsumptionTable table = new ConsumptionTable(new AnalyticsSettings(Duration.ofDays(1), 10, 5), T);
        table.add(List.of(client("127.0.0.1", 5, 50), client("::1", 7, 10)), client("", 3, 30), T);
        table.add(List.of(client("127.0.0.1", 5, 50)), NONE, T);
        TopConsumers top = table.top(5, ConsumerOrder.MESSAGES);
        assertThat(top.getTotalMessages()).isEqualTo(20); // "others" count in the totals only
        assertThat(top.getTotalBytes()).isEqualTo(140);
        assertThat(top.getTopList()).containsExactly(
                Consumer.newBuilder().setAddress("127.0.0.1").setMessages(10).setBytes(100).build(),
                Consumer.newBuilder().setAddress("::1").setMessages(7).setBytes(10).build());
        assertThat(table.top(1, ConsumerOrder.BYTES).getTopList()).extracting(Consumer::getAddress)
                .containsExactly("127.0.0.1");
    }

    @Test
    void theCycleResetsAtItsBoundaryAlignedToTheEpoch() {
        ConsumptionTable table = new ConsumptionTable(AnalyticsSettings.DEFAULTS, T);
        long midnight = Math.floorDiv(T, DAY) * DAY + DAY; // 2026-01-03T00:00:00Z
        TopConsumers before = table.top(10, ConsumerOrder.MESSAGES);
        assertThat(before.getCycleStartedUnixMillis()).isEqualTo(midnight - DAY);
        assertThat(before.getCycleEndsUnixMillis()).isEqualTo(midnight);
        assertThat(before.getCycleSeconds()).isEqualTo(86_400);
        assertThat(before.getLastResetUnixMillis()).isZero();

        table.add(List.of(client("127.0.0.1", 5, 50)), NONE, midnight - 1);
        assertThat(table.roll(midnight - 1)).isFalse();
        assertThat(table.top(10, ConsumerOrder.MESSAGES).getTotalMessages()).isEqualTo(5);

        assertThat(table.roll(midnight + 250)).isTrue();
        TopConsumers after = table.top(10, ConsumerOrder.MESSAGES);
        assertThat(after.getTotalMessages()).isZero();
        assertThat(after.getTopList()).isEmpty();
        assertThat(after.getCycleStartedUnixMillis()).isEqualTo(midnight);
        assertThat(after.getLastResetUnixMillis()).isEqualTo(midnight + 250);
        assertThat(table.roll(midnight + 1000)).isFalse();
        // a clock stepping back does not reset
        assertThat(table.roll(midnight - 5000)).isFalse();
        table.add(List.of(client("127.0.0.2", 1, 1)), NONE, midnight + 2000);
        assertThat(table.top(10, ConsumerOrder.MESSAGES).getTotalMessages()).isEqualTo(1);
    }

    @Test
    void restoreKeepsTheCurrentCycleAndResetsAFinishedOne() {
        AnalyticsSettings settings = new AnalyticsSettings(Duration.ofHours(1), 3, 3);
        ConsumptionTable table = new ConsumptionTable(settings, T);
        table.add(List.of(client("a", 5, 50), client("b", 7, 70), client("c", 1, 1), client("d", 2, 2)), NONE, T);
        table.roll(T + 3_600_000); // a reset, recorded
        table.add(List.of(client("a", 5, 50), client("b", 7, 70), client("c", 1, 1), client("d", 2, 2)), NONE,
                T + 3_600_001);
        ConsumptionRecord saved = table.toRecord();
        TopConsumers expected = table.top(3, ConsumerOrder.MESSAGES);

        ConsumptionTable same = new ConsumptionTable(settings, T);
        same.restore(saved, T + 3_600_500);
        assertThat(same.top(3, ConsumerOrder.MESSAGES)).isEqualTo(expected);
        assertThat(same.top(3, ConsumerOrder.MESSAGES).getLastResetUnixMillis()).isEqualTo(T + 3_600_000);
        assertThat(same.toRecord()).isEqualTo(saved);

        ConsumptionTable later = new ConsumptionTable(settings, T);
        later.restore(saved, T + 2 * 3_600_000 + 5);
        TopConsumers reset = later.top(3, ConsumerOrder.MESSAGES);
        assertThat(reset.getTotalMessages()).isZero();
        assertThat(reset.getLastResetUnixMillis()).isEqualTo(T + 2 * 3_600_000 + 5);

        ConsumptionTable fresh = new ConsumptionTable(settings, T);
        fresh.restore(ConsumptionRecord.getDefaultInstance(), T); // an old file: no consumption
        assertThat(fresh.top(3, ConsumerOrder.MESSAGES).getLastResetUnixMillis()).isZero();

        ConsumptionRecord repeated = saved.toBuilder().addClients(ConsumerRecord.newBuilder().setAddress("a")).build();
        assertThatThrownBy(() -> same.restore(repeated, T + 3_600_500)).isInstanceOf(IllegalArgumentException.class);
        assertThat(same.top(3, ConsumerOrder.MESSAGES)).isEqualTo(expected); // untouched
    }

    @Test
    void badOrderIsRefusedWithTheAcceptedValues() {
        assertThat(ConsumerOrder.parse("")).isEqualTo(ConsumerOrder.MESSAGES);
        assertThat(ConsumerOrder.parse("Bytes")).isEqualTo(ConsumerOrder.BYTES);
        assertThatThrownBy(() -> ConsumerOrder.parse("time"))
                .hasMessage("order_by must be \"messages\" or \"bytes\", got \"time\"");
    }
}
