package io.fooproxy.testkit.script;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/** Plays a {@link Script} over one connection's streams (blocking). */
public final class ScriptRunner {
    private final Script script;

    public ScriptRunner(Script script) {
        this.script = requireNonNull(script, "script");
    }

    /**
     * Runs every step. Returns the lines read (without their LF); throws {@link IOException} if
     * the peer closes (or the socket times out) before a {@code read} got its lines.
     */
    public List<String> run(InputStream in, OutputStream out) throws IOException {
        List<String> received = new ArrayList<>();
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        for (Script.Step step : script.steps()) {
            if (step instanceof Script.Send send) {
                pending.writeBytes(send.line().getBytes(ISO_8859_1));
                pending.write('\n');
            } else if (step instanceof Script.Read read) {
                flush(pending, out);
                for (int i = 0; i < read.lines(); i++) {
                    String line = readLine(in);
                    if (line == null) {
                        throw new IOException("the peer closed after " + received.size() + " line(s), "
                                + "while the script waited for more");
                    }
                    received.add(line);
                }
            }
        }
        flush(pending, out);
        return received;
    }

    private static void flush(ByteArrayOutputStream pending, OutputStream out) throws IOException {
        if (pending.size() > 0) {
            pending.writeTo(out);
            out.flush();
            pending.reset();
        }
    }

    /** One line without its LF, or null at end of stream before any byte of it. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                return line.toString(ISO_8859_1);
            }
            line.write(b);
        }
        return null;
    }
}
