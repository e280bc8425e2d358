/*
 * What protocol analytics add to the sniffing hot path, per message, single-threaded and without
 * the network: 1 Mi REQ lines and 1 Mi answers scanned in reads of N lines, alternately with a
 * ProtocolTracker and with none, while another thread drains and encodes every 50 ms as the
 * publisher does. Run from the repository root after `mvn -B -q package -DskipTests`:
 *
 *   java -cp frontend/target/foo-proxy-frontend.jar bench/AnalyticsCost.java [lines-per-read, default 16]
 *
 * The whole-process figure (CPU time of the frontend per relayed message, analytics on vs off)
 * is bench/telemetry-cost --off "-analytics false".
 */
import io.fooproxy.frontend.analytics.*;
import io.fooproxy.frontend.config.AnalyticsSettings;
import io.fooproxy.frontend.sniff.*;
import io.netty.buffer.*;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

public class AnalyticsCost {
    static final TrafficSink SINK = new TrafficSink() {
        long n;
        public void onMessages(MessageType t, int count) { n += count; }
        public void onInvalidLines(Direction d, int count) {}
        public void onOversizedLine(Direction d) {}
        public void onBytes(Direction d, int c) {}
        public void onConnectionOpened() {}
        public void onConnectionClosed() {}
        public void onUpstreamConnectFailure() {}
    };

    public static void main(String[] a) throws Exception {
        int n = 1 << 20, batch = Integer.parseInt(a.length > 0 ? a[0] : "16");
        StringBuilder req = new StringBuilder(), ack = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            req.append("REQ ").append(i).append(" 0123456789abcdef\n");
            ack.append(i % 10 == 0 ? "NAK " : "ACK ").append(i).append(" 0123456789abcdef\n");
        }
        byte[] rq = req.toString().getBytes(StandardCharsets.US_ASCII), ak = ack.toString().getBytes(StandardCharsets.US_ASCII);
        int[] rOff = offsets(rq, batch), aOff = offsets(ak, batch);
        ByteBuf rb = Unpooled.wrappedBuffer(rq), ab = Unpooled.wrappedBuffer(ak);
        AnalyticsRecorder rec = new AnalyticsRecorder(AnalyticsSettings.defaults(), AnalyticsClock.SYSTEM);
        PendingAnalytics pending = new PendingAnalytics(4096);
        Thread drainer = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                rec.drainInto(pending);
                pending.compact(System.currentTimeMillis() - 10_000, 128);
                if (!pending.isEmpty()) pending.take();
                try { Thread.sleep(50); } catch (InterruptedException e) { return; }
            }
        });
        drainer.setDaemon(true);
        drainer.start();
        for (int round = 0; round < 12; round++) {
            boolean on = round % 2 == 0;
            ConnectionAnalytics c = on ? rec.open(InetAddress.getLoopbackAddress()) : ConnectionAnalytics.NONE;
            LineScanner up = new LineScanner(Direction.CLIENT_TO_SERVER, 65536, SINK, LineObserver.NONE, c);
            LineScanner down = new LineScanner(Direction.SERVER_TO_CLIENT, 65536, SINK, LineObserver.NONE, c);
            long t0 = System.nanoTime();
            for (int b = 0; b + 1 < rOff.length; b++) {
                up.scan(rb.setIndex(rOff[b], rOff[b + 1]));
                down.scan(ab.setIndex(aOff[b], aOff[b + 1]));
            }
            long ns = System.nanoTime() - t0;
            c.closed();
            if (round >= 4) System.out.printf("analytics %-5s %6.1f ns/message (batch %d lines per read)%n", on, ns / (2.0 * n), batch);
        }
        drainer.interrupt();
    }

    static int[] offsets(byte[] b, int linesPerChunk) {
        java.util.List<Integer> o = new java.util.ArrayList<>();
        o.add(0);
        int lines = 0;
        for (int i = 0; i < b.length; i++) if (b[i] == '\n' && ++lines % linesPerChunk == 0) o.add(i + 1);
        if (o.get(o.size() - 1) != b.length) o.add(b.length);
        return o.stream().mapToInt(Integer::intValue).toArray();
    }
}
