package io.fooproxy.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP link between a frontend and its backend, for fault injection: it forwards both
 * ways until told to {@link #holdReplies() hold the replies}, after which what the backend sends
 * (its acknowledgements) is read but kept back, while the frontend's batches still go through.
 * The backend then applies and persists batches whose acknowledgements never arrive, exactly the
 * state that a crash right after a durable write leaves behind. {@link #cut()} drops every open
 * connection and whatever was held. When the backend is down, a new connection is closed at once.
 */
final class TelemetryLink implements AutoCloseable {
    private final ServerSocket server;
    private final int backendPort;
    private final List<Pair> pairs = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private final Object holdLock = new Object();
    private boolean holding; // guarded by holdLock

    private TelemetryLink(ServerSocket server, int backendPort) {
        this.server = server;
        this.backendPort = backendPort;
        this.acceptor = new Thread(this::acceptForever, "telemetry-link");
        acceptor.setDaemon(true);
    }

    static TelemetryLink to(int backendPort) {
        try {
            TelemetryLink link = new TelemetryLink(
                    new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), backendPort);
            link.acceptor.start();
            return link;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen", e);
        }
    }

    int port() {
        return server.getLocalPort();
    }

    /** From now on the backend's bytes are kept back (the frontend's still flow). */
    void holdReplies() {
        synchronized (holdLock) {
            holding = true;
        }
    }

    /** Closes every open connection, dropping what was held, and forwards freely again. */
    void cut() {
        for (Pair p : pairs) {
            p.close();
        }
        synchronized (holdLock) {
            holding = false;
            holdLock.notifyAll();
        }
    }

    private void acceptForever() {
        while (!server.isClosed()) {
            Socket frontend;
            try {
                frontend = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            Socket backend = new Socket();
            try {
                backend.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), backendPort), 2_000);
            } catch (IOException e) {
                closeQuietly(frontend); // backend down: the frontend sees its connection fail
                closeQuietly(backend);
                continue;
            }
            Pair p = new Pair(frontend, backend);
            pairs.add(p);
            p.start();
        }
    }

    /** Blocks while replies are held; false once the pair has been closed meanwhile. */
    private boolean awaitReleased(Pair pair) {
        synchronized (holdLock) {
            while (holding && !pair.closed) {
                try {
                    holdLock.wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return !pair.closed;
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        cut();
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** One frontend connection and its backend connection, with a pump thread each way. */
    private final class Pair {
        private final Socket frontend;
        private final Socket backend;
        volatile boolean closed;

        Pair(Socket frontend, Socket backend) {
            this.frontend = frontend;
            this.backend = backend;
        }

        void start() {
            Thread up = new Thread(() -> pump(frontend, backend, false), "link-up");
            Thread down = new Thread(() -> pump(backend, frontend, true), "link-down");
            up.setDaemon(true);
            down.setDaemon(true);
            up.start();
            down.start();
        }

        private void pump(Socket from, Socket to, boolean replies) {
            byte[] buf = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                while (true) {
                    int n = in.read(buf);
                    if (n < 0) {
                        break;
                    }
                    // read first, then wait: what was read while holding is never written
                    if (replies && !awaitReleased(this)) {
                        break;
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away: end both
            }
            close();
        }

        void close() {
            closed = true;
            closeQuietly(frontend);
            closeQuietly(backend);
            pairs.remove(this);
        }
    }
}
