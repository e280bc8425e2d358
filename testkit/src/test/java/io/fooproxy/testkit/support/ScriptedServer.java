package io.fooproxy.testkit.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A deliberately simple, misbehaving Foo server for tests: blocking sockets, one daemon thread per
 * connection, answering each received line with whatever {@code answer} returns (null = no answer).
 */
public final class ScriptedServer implements AutoCloseable {
    private final ServerSocket socket;
    private final UnaryOperator<String> answer;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    public ScriptedServer(UnaryOperator<String> answer) throws IOException {
        this.answer = answer;
        this.socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.acceptor = new Thread(this::acceptLoop, "scripted-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Answers {@code REQ n} with {@code ACK n+1}: the wrong Seq. */
    public static ScriptedServer wrongSeq() throws IOException {
        return new ScriptedServer(line -> "ACK " + (Long.parseLong(line.split(" ")[1]) + 1) + " 00");
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                accepted.add(s);
                Thread t = new Thread(() -> serve(s), "scripted-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                StandardCharsets.US_ASCII)); OutputStream out = s.getOutputStream()) {
            String line;
            while ((line = in.readLine()) != null) {
                String reply = answer.apply(line);
                if (reply != null) {
                    out.write((reply + "\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            }
        } catch (IOException | RuntimeException e) {
            // the test's client went away or the script threw on purpose: drop the connection
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : accepted) {
            s.close();
        }
    }
}
