package io.fooproxy.cli;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/** Plaintext gRPC over TCP to the backend (it listens on loopback by default). */
public final class NettyChannelFactory implements ChannelFactory {
    @Override
    public ManagedChannel open(BackendAddress backend) {
        return NettyChannelBuilder.forAddress(backend.host(), backend.port())
                .usePlaintext()
                .userAgent("foo-proxy-cli")
                .build();
    }
}
