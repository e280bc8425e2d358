package io.fooproxy.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fault-injecting "backend": a loopback TCP listener that accepts every connection, answers
 * the HTTP/2 connection preface with an empty SETTINGS frame (so the client's transport goes
 * ready and it starts sending) and then never reads nor writes again. The client's HTTP/2
 * flow-control window runs out after 64 KiB and no acknowledgement ever comes: the telemetry
 * stream is stalled, not broken. Closing it closes every connection.
 */
final class StalledBackend implements AutoCloseable {
    /** Length 0, type SETTINGS (4), no flags, stream 0: the whole server preface. */
    private static final byte[] EMPTY_SETTINGS = {0, 0, 0, 4, 0, 0, 0, 0, 0};

    private final ServerSocket server;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private StalledBackend(ServerSocket server) {
        this.server = server;
        this.acceptor = new Thread(this::acceptForever, "stalled-backend");
        acceptor.setDaemon(true);
    }

    static StalledBackend start() {
        try {
            StalledBackend b = new StalledBackend(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
            b.acceptor.start();
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen", e);
        }
    }

    int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    int connections() {
        return accepted.size();
    }

    private void acceptForever() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                accepted.add(s);
                s.getOutputStream().write(EMPTY_SETTINGS);
                s.getOutputStream().flush();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : accepted) {
            s.close();
        }
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
