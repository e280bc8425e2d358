package io.fooproxy.frontend.relay;

import static java.util.Objects.requireNonNull;

import io.fooproxy.frontend.analytics.ConnectionAnalytics;
import io.fooproxy.frontend.sniff.TrafficSink;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;

/**
 * Reports a client connection's open and close, exactly once each, and ends its protocol
 * analytics when it closes. Opened when the relay takes the channel on, closed when its close
 * future completes, whatever handlers the pipeline holds by then. A listener rather than a
 * handler first in the pipeline: a handler's context is 64 B per connection.
 */
final class ConnectionCount implements ChannelFutureListener {
    private final TrafficSink sink;
    private final ConnectionAnalytics protocol;

    private ConnectionCount(TrafficSink sink, ConnectionAnalytics protocol) {
        this.sink = sink;
        this.protocol = protocol;
    }

    /** Counts {@code client} open now, and closed when it closes. */
    static void open(Channel client, TrafficSink sink, ConnectionAnalytics protocol) {
        requireNonNull(sink, "sink");
        requireNonNull(protocol, "protocol");
        sink.onConnectionOpened();
        client.closeFuture().addListener(new ConnectionCount(sink, protocol));
    }

    @Override
    public void operationComplete(ChannelFuture closed) {
        sink.onConnectionClosed();
        protocol.closed();
    }
}
