package io.fooproxy.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An upstream that records every byte it receives per connection and answers with its own
 * random stream, half before and half after the client's end-of-stream (so a half-closed
 * connection must still carry data back). Each connection starts with an 8-byte seed from the
 * client, from which both sides derive the upstream's stream: the test can then compare what
 * each side sent with what the other received, byte for byte.
 */
final class RecordingUpstream implements AutoCloseable {
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Map<Long, byte[]> receivedBySeed = new ConcurrentHashMap<>();
    private final Map<Long, Boolean> sawEndOfStream = new ConcurrentHashMap<>();
    private final int answerBytes;

    RecordingUpstream(int answerBytes) throws IOException {
        this.answerBytes = answerBytes;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Everything received on the connection with this seed, seed included. */
    byte[] received(long seed) {
        return receivedBySeed.get(seed);
    }

    boolean sawEndOfStream(long seed) {
        return sawEndOfStream.getOrDefault(seed, false);
    }

    static byte[] answerFor(long seed, int length) {
        byte[] bytes = new byte[length];
        new Random(~seed).nextBytes(bytes);
        return bytes;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                threads.execute(() -> serve(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] seedBytes = in.readNBytes(8);
            if (seedBytes.length < 8) {
                return;
            }
            long seed = ByteBuffer.wrap(seedBytes).getLong();
            byte[] answer = answerFor(seed, answerBytes);
            int half = answer.length / 2;
            out.write(answer, 0, half);
            out.flush();

            ByteArrayOutputStream received = new ByteArrayOutputStream();
            received.write(seedBytes);
            in.transferTo(received);
            // the client's FIN arrived: record, then answer the rest over the half-open connection
            receivedBySeed.put(seed, received.toByteArray());
            sawEndOfStream.put(seed, true);
            out.write(answer, half, answer.length - half);
            out.flush();
            socket.shutdownOutput();
        } catch (IOException e) {
            // a test that expects data from this connection fails on its own comparison
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
