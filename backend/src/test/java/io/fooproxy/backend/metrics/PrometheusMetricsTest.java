package io.fooproxy.backend.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.fooproxy.backend.TestStatsView;
import io.fooproxy.proto.stats.v1.Stats;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PrometheusMetricsTest {

    @Test
    void exposesTheStatsInTheTextFormat() {
        TestStatsView view = TestStatsView.sample();
        String text = new String(new PrometheusMetrics(view).scrape(), StandardCharsets.UTF_8);

        assertThat(text.lines()).contains(
                "# HELP foo_messages_total Foo messages seen by the frontends, by type (req client->server, ack/nak server->client).",
                "# TYPE foo_messages_total counter",
                "foo_messages_total{type=\"req\"} 30.0",
                "foo_messages_total{type=\"ack\"} 25.0",
                "foo_messages_total{type=\"nak\"} 5.0",
                "# TYPE foo_request_rate gauge",
                "foo_request_rate{window=\"1s\"} 12.5",
                "foo_request_rate{window=\"10s\"} 9.25",
                "foo_response_rate{window=\"10s\"} 8.5",
                "foo_bytes_total{direction=\"client_to_server\"} 1000.0",
                "foo_bytes_total{direction=\"server_to_client\"} 2000.0",
                "foo_invalid_lines_total 3.0",
                "foo_oversized_lines_total 2.0",
                "foo_connections_total 7.0",
                "foo_connections_active 4.0",
                "foo_upstream_connect_failures_total 1.0",
                "foo_uptime_seconds 42.5",
                "foo_frontend_connected{frontend=\"fe-1:8002\"} 1.0",
                "foo_frontend_messages_total{frontend=\"fe-1:8002\",type=\"req\"} 30.0",
                "foo_frontend_batches_applied_total{frontend=\"fe-1:8002\"} 17.0");
    }

    @Test
    void everyMetricHasHelpAndTypeAndCountersEndInTotal() {
        String text = new String(new PrometheusMetrics(TestStatsView.sample()).scrape(), StandardCharsets.UTF_8);
        // a summary's _count and _sum samples belong to the summary's name
        var samples = text.lines().filter(l -> !l.startsWith("#")).map(l -> l.split("[{ ]", 2)[0])
                .map(n -> text.contains("# TYPE " + n.replaceFirst("_(count|sum)$", "") + " summary\n")
                        ? n.replaceFirst("_(count|sum)$", "") : n)
                .distinct().toList();
        assertThat(samples).hasSizeGreaterThan(15);
        for (String name : samples) {
            assertThat(text).contains("# HELP " + name + " ");
            assertThat(text).containsPattern("# TYPE " + name + " (counter|gauge|summary)\n");
            if (text.contains("# TYPE " + name + " counter")) {
                assertThat(name).endsWith("_total");
            }
        }
    }

    @Test
    void takesOneSnapshotPerScrapeAndFollowsTheStats() {
        TestStatsView view = TestStatsView.sample();
        PrometheusMetrics metrics = new PrometheusMetrics(view);
        metrics.scrape();
        assertThat(view.snapshots()).isEqualTo(1);

        view.set(Stats.newBuilder().setMsgReq(-1L).build()); // 2^64 - 1 as uint64
        String text = new String(metrics.scrape(), StandardCharsets.UTF_8);
        assertThat(view.snapshots()).isEqualTo(2);
        assertThat(text.lines()).contains("foo_messages_total{type=\"req\"} 1.8446744073709552E19");
        assertThat(text).doesNotContain("frontend=");
    }

    @Test
    void unsignedConversion() {
        assertThat(PrometheusMetrics.unsigned(0)).isZero();
        assertThat(PrometheusMetrics.unsigned(Long.MAX_VALUE)).isEqualTo(9.223372036854775807E18);
        assertThat(PrometheusMetrics.unsigned(Long.MIN_VALUE)).isEqualTo(9.223372036854775808E18);
        assertThat(PrometheusMetrics.unsigned(-1L)).isEqualTo(1.8446744073709551615E19);
    }

    @Test
    void analyticsAreASummaryPerWindowGaugesAndCountersBoundedByTheTopConsumers() {
        Stats stats = TestStatsView.sampleStats().toBuilder().setAnalytics(io.fooproxy.proto.stats.v1.Analytics.newBuilder()
                .setLatency1S(io.fooproxy.proto.stats.v1.Latency.newBuilder().setCount(4).setP50Us(500).setP90Us(900)
                        .setP99Us(990).setP999Us(999).setMaxUs(1000).setMeanUs(250))
                .setInFlightRequests(3).setOldestInFlightAgeMillis(1500)
                .setNakRatio10S(0.25)
                .setViolations(io.fooproxy.proto.stats.v1.ProtocolViolations.newBuilder().setDuplicateAnswers(7))
                .setConsumption(io.fooproxy.proto.stats.v1.TopConsumers.newBuilder().setTotalMessages(9)
                        .addTop(io.fooproxy.proto.stats.v1.Consumer.newBuilder().setAddress("127.0.0.7").setMessages(6)
                                .setBytes(60).setMaxOvercountMessages(1))))
                .build();
        String text = new String(new PrometheusMetrics(new TestStatsView(stats)).scrape(), StandardCharsets.UTF_8);
        assertThat(text).contains("# TYPE foo_upstream_latency_seconds summary\n");
        assertThat(text.lines()).contains(
                "foo_upstream_latency_seconds{window=\"1s\",quantile=\"0.5\"} 5.0E-4",
                "foo_upstream_latency_seconds{window=\"1s\",quantile=\"0.99\"} 9.9E-4",
                "foo_upstream_latency_seconds_count{window=\"1s\"} 4",
                "foo_upstream_latency_seconds_sum{window=\"1s\"} 0.001",
                "foo_upstream_latency_max_seconds{window=\"1s\"} 0.001",
                "foo_in_flight_requests 3.0",
                "foo_oldest_in_flight_age_seconds 1.5",
                "foo_nak_ratio{window=\"10s\"} 0.25",
                "foo_protocol_violations_total{kind=\"duplicate_answers\"} 7.0",
                "foo_consumption_cycle_messages 9.0",
                "foo_consumer_messages{address=\"127.0.0.7\"} 6.0",
                "foo_consumer_bytes{address=\"127.0.0.7\"} 60.0",
                "foo_consumer_max_overcount_messages{address=\"127.0.0.7\"} 1.0");
        assertThat(text.lines().filter(l -> l.startsWith("foo_consumer_messages{"))).hasSize(1);
    }
}
