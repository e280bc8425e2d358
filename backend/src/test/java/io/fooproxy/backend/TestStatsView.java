package io.fooproxy.backend;

import io.fooproxy.backend.analytics.ConsumptionView;
import io.fooproxy.backend.stats.StatsView;
import io.fooproxy.proto.stats.v1.FrontendStats;
import io.fooproxy.proto.stats.v1.Stats;
import io.fooproxy.proto.stats.v1.TopConsumers;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A StatsView whose figures the test sets; counts the snapshots taken. */
public final class TestStatsView implements StatsView {
    /** For services whose test is not about consumption: an empty cycle. */
    public static final ConsumptionView NO_CONSUMPTION = (limit, order) -> TopConsumers.getDefaultInstance();

    private final AtomicReference<Stats> stats;
    private final AtomicInteger snapshots = new AtomicInteger();

    public TestStatsView(Stats stats) {
        this.stats = new AtomicReference<>(stats);
    }

    public static TestStatsView sample() {
        return new TestStatsView(sampleStats());
    }

    /** Figures with every contract field distinct, and one frontend. */
    public static Stats sampleStats() {
        return Stats.newBuilder()
                .setMsgTotal(60).setMsgReq(30).setMsgAck(25).setMsgNak(5)
                .setRequestRate1S(12.5).setRequestRate10S(9.25)
                .setResponseRate1S(11).setResponseRate10S(8.5)
                .setMsgInvalid(3).setMsgOversized(2)
                .setConnectionsTotal(7).setConnectionsActive(4)
                .setBytesClientToServer(1000).setBytesServerToClient(2000)
                .setUpstreamConnectFailures(1)
                .setUptimeSeconds(42.5)
                .setTimestampUnixMillis(1_700_000_000_000L)
                .setSource("backend")
                .addFrontends(FrontendStats.newBuilder()
                        .setFrontendId("fe-1:8002").setConnected(true)
                        .setMsgReq(30).setMsgAck(25).setMsgNak(5)
                        .setConnectionsActive(4).setConnectionsTotal(7)
                        .setBatchesApplied(17).setBatchesDuplicate(2)
                        .setLastSeenUnixMillis(1_699_999_999_500L))
                .build();
    }

    public void set(Stats next) {
        stats.set(next);
    }

    public int snapshots() {
        return snapshots.get();
    }

    @Override
    public Stats snapshot() {
        snapshots.incrementAndGet();
        return stats.get();
    }
}
