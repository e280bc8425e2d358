package io.fooproxy.testkit.script;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A misbehaving Foo server on purpose: plays its {@link Script} on every connection (one thread
 * each), then reads and ignores whatever else comes until the client closes (only clients
 * close). For tests of what the proxy sees; not for load.
 */
public final class ScriptedServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ScriptedServer.class);

    private final ServerSocket server;
    private final ScriptRunner runner;
    private final List<Socket> connections = new CopyOnWriteArrayList<>();

    private ScriptedServer(ServerSocket server, Script script) {
        this.server = server;
        this.runner = new ScriptRunner(script);
        Thread acceptor = new Thread(this::acceptLoop, "scripted-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Binds {@code address} (port 0: any free port) and starts accepting. */
    public static ScriptedServer start(InetSocketAddress address, Script script) throws IOException {
        requireNonNull(address, "address");
        requireNonNull(script, "script");
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        try {
            socket.bind(address);
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
        log.info("scripted server listening on {}", socket.getLocalSocketAddress());
        return new ScriptedServer(socket, script);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            connections.add(s);
            Thread t = new Thread(() -> serve(s), "scripted-connection");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            runner.run(in, s.getOutputStream());
            byte[] sink = new byte[4096];
            while (in.read(sink) >= 0) {
                // the script is done: wait for the client to close
            }
        } catch (IOException e) {
            log.debug("scripted connection ended: {}", e.getMessage());
        } finally {
            connections.remove(s);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : connections) {
            s.close();
        }
    }
}
