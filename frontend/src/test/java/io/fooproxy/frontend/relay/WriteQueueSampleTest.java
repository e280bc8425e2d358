package io.fooproxy.frontend.relay;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class WriteQueueSampleTest {
    private final EmbeddedChannel peer = new EmbeddedChannel();
    private final WriteQueueSample sample = new WriteQueueSample();

    @Test
    void bytesQueuedButNotWrittenAreNoProgressHoweverManyComeIn() {
        write("ACK 1\n");
        assertThat(sample.peerTookBytes(peer)).as("queued, unflushed").isFalse();
        write("ACK 2\n");
        write("ACK 3\n");
        assertThat(sample.peerTookBytes(peer)).as("more queued, still none written").isFalse();
        assertThat(sample.peerTookBytes(peer)).as("nothing happened").isFalse();

        peer.flush(); // the embedded channel writes out everything flushed
        assertThat(sample.peerTookBytes(peer)).isTrue();
        assertThat(sample.peerTookBytes(peer)).as("nothing since").isFalse();
        assertThat(peer.finishAndReleaseAll()).isTrue();
    }

    @Test
    void bytesWrittenWithinOneTickAreProgressAndAClosedPeerHoldsNothing() {
        write("ACK 1 data\n");
        peer.flush();
        assertThat(sample.peerTookBytes(peer)).isTrue();
        assertThat(peer.finishAndReleaseAll()).isTrue();
        assertThat(WriteQueueSample.pendingBytes(peer)).isZero();
        assertThat(sample.peerTookBytes(peer)).isFalse();
    }

    private void write(String text) {
        ByteBuf buf = Unpooled.copiedBuffer(text, US_ASCII);
        sample.queued(buf);
        peer.write(buf);
    }
}
