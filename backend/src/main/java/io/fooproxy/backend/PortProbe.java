package io.fooproxy.backend;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Checks that a listen address is free before the backend touches its recovery file, so that a
 * second instance started by mistake fails before it reads (or writes back) the first one's data.
 * The real bind can still fail afterwards; this only catches the common case early.
 */
final class PortProbe {
    private PortProbe() {}

    /** Throws the bind failure if {@code address} (a fixed port) cannot be bound right now. */
    static void checkFree(InetSocketAddress address) throws IOException {
        if (address.getPort() == 0) {
            return; // the system picks a free port
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // as the servers do, so TIME_WAIT leftovers do not count
            socket.bind(address, 1);
        }
    }
}
