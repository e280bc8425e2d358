package io.fooproxy.e2e;

import io.fooproxy.testkit.config.Address;
import io.fooproxy.testkit.net.Transport;
import io.fooproxy.testkit.server.FooServerHandler;
import io.fooproxy.testkit.server.ServerConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The testkit's reference Foo server, in this JVM, whose next connections can be armed to
 * misbehave: so a hostile upstream and a well-behaved one sit behind the same frontend, and a
 * well-behaved client keeps getting correct answers while one of its neighbours' upstream
 * connections never answers or closes at once. Unarmed connections get the reference server's
 * own handler ({@link FooServerHandler}), with lines up to 1 GiB.
 */
final class ArmableUpstream implements AutoCloseable {
    /** What an armed connection does instead of answering. */
    enum Behaviour {
        /** Reads and discards everything, never answers. */
        SILENT,
        /** Closes the connection as soon as it is accepted. */
        CLOSE_AT_ONCE,
        /**
         * Answers like the reference server, with its own count of answers (see {@link
         * Armed#answered}), but without cutting answers into fragments: it is for a flood of
         * REQs, and a flush per fragment of thousands of answers would hold this upstream's event
         * loop, shared with the well-behaved load's connections, for seconds (long enough for
         * the frontend's upstream idle timeout to close a load connection waiting on it).
         */
        COUNTED
    }

    /** An armed connection's counters. */
    static final class Armed {
        final Behaviour behaviour;
        final LongAdder answered = new LongAdder();
        volatile boolean accepted;

        Armed(Behaviour behaviour) {
            this.behaviour = behaviour;
        }
    }

    private final EventLoopGroup group;
    private final Channel server;
    private final ServerConfig config;
    private final ConcurrentLinkedQueue<Armed> armed = new ConcurrentLinkedQueue<>();
    private final AtomicLong accepted = new AtomicLong();
    private final LongAdder answered = new LongAdder();

    ArmableUpstream() {
        this(Duration.ZERO);
    }

    /** @param answerDelay how long the reference server waits before each answer */
    ArmableUpstream(Duration answerDelay) {
        Transport transport = Transport.nio();
        config = ServerConfig.loopback(0).withMaxLineBytes(1 << 30).withSeed(42).withDelay(answerDelay);
        group = transport.newEventLoopGroup(2, "armable-upstream");
        server = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannelType())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        long index = accepted.incrementAndGet();
                        Armed a = armed.poll();
                        if (a == null) {
                            ch.pipeline().addLast(new FooServerHandler(config, index, answered));
                            return;
                        }
                        a.accepted = true;
                        switch (a.behaviour) {
                            case SILENT -> ch.pipeline().addLast(new Discard());
                            case CLOSE_AT_ONCE -> ch.close();
                            case COUNTED -> ch.pipeline().addLast(
                                    new FooServerHandler(config.withFragment(false), index, a.answered));
                        }
                    }
                })
                .bind(new Address("127.0.0.1", 0).toBindAddress())
                .syncUninterruptibly()
                .channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Connections accepted so far. */
    long accepted() {
        return accepted.get();
    }

    /** The next connection accepted behaves so. */
    Armed armNext(Behaviour behaviour) {
        Armed a = new Armed(behaviour);
        armed.add(a);
        return a;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Reads everything, answers nothing. */
    private static final class Discard extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }
}
