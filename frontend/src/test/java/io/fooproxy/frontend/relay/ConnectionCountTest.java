package io.fooproxy.frontend.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.fooproxy.frontend.analytics.ConnectionAnalytics;
import io.fooproxy.frontend.sniff.Direction;
import io.fooproxy.frontend.sniff.MessageType;
import io.fooproxy.frontend.sniff.RecordingSink;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConnectionCountTest {

    @Test
    void reportsOpenAndCloseOncePerChannelAndEndsItsAnalyticsOnce() {
        RecordingSink sink = new RecordingSink();
        AtomicInteger ended = new AtomicInteger();
        ConnectionAnalytics protocol = new ConnectionAnalytics() {
            @Override
            public void onMessage(MessageType type, long seq) {}

            @Override
            public void onWrongDirection(MessageType type, long seq) {}

            @Override
            public void onScanned(Direction direction, int bytes) {}

            @Override
            public void closed() {
                ended.incrementAndGet();
            }
        };
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
