package io.fooproxy.frontend.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.fooproxy.frontend.analytics.ConnectionAnalytics;
import io.fooproxy.frontend.sniff.RecordingSink;
import io.netty.channel.embedded.EmbeddedChannel;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConnectionCountTest {

    @Test
    void reportsOpenAndCloseOncePerChannelAndEndsItsAnalyticsOnce() {
        RecordingSink sink = new RecordingSink();
        AtomicInteger ended = new AtomicInteger();
        // analytics that only count their closes (every other call is ignored)
        ConnectionAnalytics protocol = (ConnectionAnalytics) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ConnectionAnalytics.class}, (proxy, method, args) -> {
                    if (method.getName().equals("closed")) {
                        ended.incrementAndGet();
                    }
                    return null;
                });
        EmbeddedChannel a = new EmbeddedChannel();
        EmbeddedChannel b = new EmbeddedChannel();
        ConnectionCount.open(a, sink, protocol);
        ConnectionCount.open(b, sink, ConnectionAnalytics.NONE);
        assertThat(sink.events()).containsExactly("opened", "opened");

        a.close();
        a.close();
        assertThat(sink.events()).containsExactly("opened", "opened", "closed");
        assertThat(ended).hasValue(1);
        b.close();

        assertThat(sink.events()).containsExactly("opened", "opened", "closed", "closed");
        assertThat(ended).as("the other connection had no analytics").hasValue(1);
        assertThat(a.finish()).isFalse();
        assertThat(b.finish()).isFalse();
    }
}
