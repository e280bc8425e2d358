package io.fooproxy.proto.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.fooproxy.proto.stats.v1.Analytics;
import io.fooproxy.proto.stats.v1.Consumer;
import io.fooproxy.proto.stats.v1.Distribution;
import io.fooproxy.proto.stats.v1.FrontendStats;
import io.fooproxy.proto.stats.v1.Latency;
import io.fooproxy.proto.stats.v1.ProtocolViolations;
import io.fooproxy.proto.stats.v1.TopConsumers;
import io.fooproxy.proto.stats.v1.PublisherStats;
import io.fooproxy.proto.stats.v1.Stats;
import org.junit.jupiter.api.Test;

class StatsJsonTest {

    @Test
    void contractFieldsComeFirstInDesignOrderAsIntegersAndNumbers() {
        Stats stats = Stats.newBuilder()
                .setMsgTotal(2000).setMsgReq(1000).setMsgAck(900).setMsgNak(100)
                .setRequestRate1S(2000.0).setRequestRate10S(1999.5)
                .setResponseRate1S(1.25).setResponseRate10S(0)
                .setSource("backend")
                .build();

        String json = StatsJson.toJson(stats);

        assertThat(json).startsWith("{\"msg_total\":2000,\"msg_req\":1000,\"msg_ack\":900,\"msg_nak\":100,"
                + "\"request_rate_1s\":2000,\"request_rate_10s\":1999.5,"
                + "\"response_rate_1s\":1.25,\"response_rate_10s\":0,\"msg_invalid\":0,");
        assertThat(json).endsWith(",\"source\":\"backend\"}");
        assertThat(json).doesNotContain("\n");
    }

    @Test
    void uint64BeyondLongMaxPrintsUnsigned() {
        String json = StatsJson.toJson(Stats.newBuilder().setMsgReq(-1L).build());

        assertThat(json).contains("\"msg_req\":18446744073709551615,");
    }

    @Test
    void stringsAreEscapedAndFrontendsNested() {
        Stats stats = Stats.newBuilder()
                .setBackendError("UNAVAILABLE: \"io\"\n")
                .addFrontends(FrontendStats.newBuilder().setFrontendId("fe-1").setConnected(true).setMsgReq(7))
                .build();

        String json = StatsJson.toJson(stats);

        assertThat(json).contains("\"backend_error\":\"UNAVAILABLE: \\\"io\\\"\\n\"");
        assertThat(json).contains("\"frontends\":[{\"frontend_id\":\"fe-1\",\"connected\":true,\"msg_req\":7,");
        assertThat(json).endsWith("}]}");
    }

    @Test
    void publisherFiguresFollowEverythingElseAsOneNestedObject() {
        Stats stats = Stats.newBuilder()
                .setMsgTotal(3).setMsgReq(2).setMsgAck(1)
                .setSource("frontend-local")
                .setBackendError("UNAVAILABLE")
                .setPublisher(PublisherStats.newBuilder()
                        .setFrontendId("fe-1")
                        .setBackendConnection(PublisherStats.ConnectionState.CONNECTING)
                        .setBatchesSent(40).setBatchesAcked(38).setBatchesResent(2)
                        .setUnackedBatches(2).setBufferedBuckets(75).setMaxBufferedBuckets(10_000)
                        .setOldestUnackedAgeMillis(120).setLastSequence(40).setAckedThroughSequence(38)
                        .setLastError("UNAVAILABLE: \"gone\""))
                .build();

        String json = StatsJson.toJson(stats);

        assertThat(json).startsWith("{\"msg_total\":3,\"msg_req\":2,\"msg_ack\":1,\"msg_nak\":0,"
                + "\"request_rate_1s\":0,\"request_rate_10s\":0,\"response_rate_1s\":0,\"response_rate_10s\":0,");
        assertThat(json).endsWith(",\"source\":\"frontend-local\",\"backend_error\":\"UNAVAILABLE\","
                + "\"publisher\":{\"frontend_id\":\"fe-1\",\"backend_connection\":\"connecting\","
                + "\"batches_sent\":40,\"batches_acked\":38,\"batches_resent\":2,\"unacked_batches\":2,"
                + "\"buffered_buckets\":75,\"max_buffered_buckets\":10000,\"oldest_unacked_age_millis\":120,"
                + "\"last_sequence\":40,\"acked_through_sequence\":38,"
                + "\"last_error\":\"UNAVAILABLE: \\\"gone\\\"\"}}");
    }

    @Test
    void publisherComesAfterTheFrontendsAndIsLeftOutWhenUnset() {
        Stats withBoth = Stats.newBuilder()
                .addFrontends(FrontendStats.newBuilder().setFrontendId("fe-1"))
                .setPublisher(PublisherStats.newBuilder().setFrontendId("fe-1")
                        .setBackendConnection(PublisherStats.ConnectionState.CONNECTED))
                .build();

        String json = StatsJson.toJson(withBoth);

        assertThat(json.indexOf("\"publisher\":")).isGreaterThan(json.indexOf("\"frontends\":"));
        assertThat(json).contains("}],\"publisher\":{\"frontend_id\":\"fe-1\",\"backend_connection\":\"connected\",");
        assertThat(StatsJson.toJson(Stats.newBuilder().setMsgReq(1).build())).doesNotContain("publisher");
    }

    @Test
    void connectionStatesPrintAsLowerCaseWords() {
        assertThat(StatsJson.connection(PublisherStats.ConnectionState.DISCONNECTED)).isEqualTo("disconnected");
        assertThat(StatsJson.connection(PublisherStats.ConnectionState.CONNECTION_STATE_UNSPECIFIED))
                .isEqualTo("unknown");
        assertThat(StatsJson.connection(PublisherStats.ConnectionState.UNRECOGNIZED)).isEqualTo("unknown");
    }

    @Test
    void nonFiniteRatesPrintAsZero() {
        assertThat(StatsJson.number(Double.NaN)).isEqualTo("0");
        assertThat(StatsJson.number(Double.POSITIVE_INFINITY)).isEqualTo("0");
        assertThat(StatsJson.number(-0.0)).isEqualTo("0");
        assertThat(StatsJson.number(0.0005)).isEqualTo("0.001");
    }

    @Test
    void analyticsIsTheLastMemberNestedInTheWholeAndInEachFrontend() {
        Stats plain = Stats.newBuilder().setMsgReq(3).setSource("backend")
                .addFrontends(FrontendStats.newBuilder().setFrontendId("fe"))
                .build();
        Analytics analytics = Analytics.newBuilder()
                .setLatency1S(Latency.newBuilder().setCount(4).setP50Us(512).setP90Us(900).setP99Us(1800.5)
                        .setP999Us(2000).setMaxUs(2100).setMeanUs(640.25))
                .setInFlightRequests(3).setOldestInFlightAgeMillis(12)
                .setNakRatio1S(0.0004).setNakRatio10S(0.25)
                .setViolations(ProtocolViolations.newBuilder().setDuplicateAnswers(2).setUntrackedAnswers(-1L))
                .setConnectionDurationMillis(Distribution.newBuilder().setCount(2).setMean(1.5).setP50(1).setP99(2).setMax(2))
                .setConsumption(TopConsumers.newBuilder().setCycleStartedUnixMillis(1000).setCycleSeconds(86400)
                        .setCycleEndsUnixMillis(86_401_000).setTotalMessages(9).setTotalBytes(90).setTrackedClients(1)
                        .setMaxTrackedClients(1000)
                        .addTop(Consumer.newBuilder().setAddress("::1").setMessages(9).setBytes(90)))
                .build();
        Stats with = plain.toBuilder()
                .setFrontends(0, plain.getFrontends(0).toBuilder().setAnalytics(analytics.toBuilder().clearConsumption()))
                .setAnalytics(analytics).build();

        String before = StatsJson.toJson(plain);
        String after = StatsJson.toJson(with);

        String frontendAnalytics = "\"analytics\":{"
                + "\"latency_1s\":{\"count\":4,\"p50_us\":512,\"p90_us\":900,\"p99_us\":1800.5,\"p999_us\":2000,"
                + "\"max_us\":2100,\"mean_us\":640.25},"
                + "\"latency_10s\":{\"count\":0,\"p50_us\":0,\"p90_us\":0,\"p99_us\":0,\"p999_us\":0,\"max_us\":0,\"mean_us\":0},"
                + "\"latency_total\":{\"count\":0,\"p50_us\":0,\"p90_us\":0,\"p99_us\":0,\"p999_us\":0,\"max_us\":0,\"mean_us\":0},"
                + "\"in_flight_requests\":3,\"oldest_in_flight_age_millis\":12,"
                + "\"nak_ratio_1s\":0.0004,\"nak_ratio_10s\":0.25,"
                + "\"violations\":{\"unknown_seq_answers\":0,\"duplicate_answers\":2,\"non_sequential_requests\":0,"
                + "\"out_of_order_answers\":0,\"requests_from_server\":0,\"answers_from_client\":0,"
                + "\"outstanding_overflow\":0,\"unanswered_requests\":0,\"untracked_answers\":18446744073709551615},"
                + "\"connection_duration_millis\":{\"count\":2,\"mean\":1.5,\"p50\":1,\"p99\":2,\"max\":2},"
                + "\"messages_per_connection\":{\"count\":0,\"mean\":0,\"p50\":0,\"p99\":0,\"max\":0}";
        String consumption = ",\"consumption\":{\"cycle_started_unix_millis\":1000,\"cycle_seconds\":86400,"
                + "\"cycle_ends_unix_millis\":86401000,\"last_reset_unix_millis\":0,\"total_messages\":9,"
                + "\"total_bytes\":90,\"tracked_clients\":1,\"max_tracked_clients\":1000,"
                + "\"top\":[{\"address\":\"::1\",\"messages\":9,\"bytes\":90,\"max_overcount_messages\":0,"
                + "\"max_overcount_bytes\":0}]}";
        // the output without analytics is unchanged; with it, only the nested objects are added
        String expected = before.replace("\"oldest_unacked_age_millis\":0}",
                        "\"oldest_unacked_age_millis\":0," + frontendAnalytics + "}}")
                .substring(0, before.length() - 1 + frontendAnalytics.length() + 2)
                + ",\"analytics\":{" + frontendAnalytics.substring("\"analytics\":{".length()) + consumption + "}}";
        assertThat(after).isEqualTo(expected);
        assertThat(before).doesNotContain("analytics");
    }
}
