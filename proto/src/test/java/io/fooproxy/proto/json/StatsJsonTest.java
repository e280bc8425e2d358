package io.fooproxy.proto.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.fooproxy.proto.stats.v1.FrontendStats;
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
}
