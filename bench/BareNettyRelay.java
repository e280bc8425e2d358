// The floor of a Netty relay on this machine: what bench/run's "netty-bare" target runs.
//
// A byte relay with nothing of foo-proxy on its hot path: no sniffing, no analytics, no
// counters, no guard, no telemetry. It is built the way the frontend's relay is (one accepting
// event loop and one io_uring event loop per core, AUTO_READ off, one-shot accept and polls,
// TCP_NODELAY, the peer flushed once per read loop, the next read asked for while the peer is
// writable, the read buffer handed to the peer's write as it is), so that its figures are what
// any Netty frontend on this box can reach at best. Measuring instrument only, not shipped.
//
//   java <frontend JVM options> -cp frontend/target/foo-proxy-frontend.jar bench/BareNettyRelay.java LISTEN_PORT UPSTREAM_PORT

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;

public final class BareNettyRelay {
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: BareNettyRelay LISTEN_PORT UPSTREAM_PORT");
            System.exit(2);
        }
        // as the frontend's Transport sets them (see its class comment), before IoUring loads
        System.setProperty("io.netty.iouring.acceptMultiShotEnabled", "false");
        System.setProperty("io.netty.iouring.pollAddMultishotEnabled", "false");
        if (!IoUring.isAvailable()) {
            System.err.println("io_uring is not available: " + IoUring.unavailabilityCause());
            System.exit(1);
        }
        InetSocketAddress upstream = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1]));
        EventLoopGroup accept = new MultiThreadIoEventLoopGroup(1, IoUringIoHandler.newFactory());
        EventLoopGroup io = new MultiThreadIoEventLoopGroup(
                Runtime.getRuntime().availableProcessors(), IoUringIoHandler.newFactory());
        // one read-size predictor for all channels, as the frontend shares one (64 B a connection less)
        AdaptiveRecvByteBufAllocator readSizes = new AdaptiveRecvByteBufAllocator();
        new ServerBootstrap()
                .group(accept, io)
                .channel(IoUringServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, readSizes)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel client) {
                        ChannelFuture connect = new Bootstrap()
                                .group(client.eventLoop())
                                .channel(IoUringSocketChannel.class)
                                .option(ChannelOption.RCVBUF_ALLOCATOR, readSizes)
                                .option(ChannelOption.AUTO_READ, false)
                                .option(ChannelOption.TCP_NODELAY, true)
                                .handler(new Relay(client))
                                .connect(upstream);
                        Channel server = connect.channel();
                        client.pipeline().addLast(new Relay(server));
                        connect.addListener((ChannelFutureListener) f -> {
                            if (f.isSuccess()) {
                                client.read();
                                server.read();
                            } else {
                                client.close();
                            }
                        });
                    }
                })
                .bind("127.0.0.1", Integer.parseInt(args[0]))
                .sync()
                .channel()
                .closeFuture()
                .sync();
    }

    /** Writes what its channel reads to the peer; flushes and reads on once per read loop. */
    static final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel peer;
        private boolean flushPending;

        Relay(Channel peer) {
            this.peer = peer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!peer.isActive()) {
                ReferenceCountUtil.release(msg);
                return;
            }
            peer.write(msg, peer.voidPromise());
            flushPending = true;
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (flushPending) {
                flushPending = false;
                peer.flush();
            }
            if (peer.isWritable()) {
                ctx.channel().read();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && peer.isActive()) {
                peer.read();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
