package io.fooproxy.cli;

import io.grpc.ManagedChannel;

/** Opens the channel a command talks over; tests hand the commands an in-process one. */
@FunctionalInterface
public interface ChannelFactory {
    ManagedChannel open(BackendAddress backend);
}
