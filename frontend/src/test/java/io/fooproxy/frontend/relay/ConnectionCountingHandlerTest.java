package io.fooproxy.frontend.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.fooproxy.frontend.sniff.RecordingSink;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class ConnectionCountingHandlerTest {

    @Test
    void reportsOpenAndCloseOncePerChannelWhenShared() {
        RecordingSink sink = new RecordingSink();
        ConnectionCountingHandler shared = new ConnectionCountingHandler(sink);
        EmbeddedChannel a = new EmbeddedChannel(shared);
        EmbeddedChannel b = new EmbeddedChannel(shared);
        assertThat(sink.events()).containsExactly("opened", "opened");

        a.close();
        a.close();
        b.close();

        assertThat(sink.events()).containsExactly("opened", "opened", "closed", "closed");
        assertThat(a.finish()).isFalse();
        assertThat(b.finish()).isFalse();
    }
}
