package io.fooproxy.frontend.stats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LimitCountersTest {
    private final LimitCounters counters = new LimitCounters();

    @Test
    void countsEachKindAndEachRule() {
        LimitCounters.Figures before = counters.figures();
        counters.onRejectedOverMaxConnections();
        counters.onRejectedOverPerIpLimit();
        counters.onRejectedOverPerIpLimit();
        counters.onDenied("deny 10.0.0.0/8");
        counters.onDenied("deny 10.0.0.0/8");
        counters.onDenied("not in allow");
        counters.onClientIdleTimeout();
        counters.onUpstreamIdleTimeout();
        counters.onQuotaPause();

        LimitCounters.Figures f = counters.figures();
        assertThat(f.toJson()).isEqualTo("{\"connections_rejected_max\":1,\"connections_rejected_per_ip\":2,"
                + "\"connections_denied\":3,\"denied_by_rule\":{\"deny 10.0.0.0/8\":2,\"not in allow\":1},"
                + "\"client_idle_timeouts\":1,\"upstream_idle_timeouts\":1,\"req_quota_pauses\":1}");
        assertThat(before.isZero()).isTrue();
        assertThat(before.describe()).isEqualTo("nothing");
        assertThat(f.since(before).describe()).isEqualTo("1 over max-connections, 2 over max-connections-per-ip,"
                + " 3 denied (deny 10.0.0.0/8: 2, not in allow: 1), 1 client idle timeouts,"
                + " 1 upstream idle timeouts, 1 REQ quota pauses");

        counters.onDenied("not in allow");
        LimitCounters.Figures change = counters.figures().since(f);
        assertThat(change.deniedByRule()).containsOnlyKeys("not in allow");
        assertThat(change.denied()).isEqualTo(1);
        assertThat(change.clientIdleTimeouts()).isZero();
    }
}
