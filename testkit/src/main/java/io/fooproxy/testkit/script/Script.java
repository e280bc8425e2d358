package io.fooproxy.testkit.script;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.fooproxy.testkit.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a scripted peer does on a connection, step by step: a way to make a client or a server
 * misbehave on purpose (unknown or duplicate seqs, answers out of order, a REQ from the server,
 * an ACK from the client, seqs that jump) for tests of the proxy's protocol analytics.
 *
 * <p>Text format, one step per line ({@code #} starts a comment line, blank lines are skipped):
 * <pre>
 * send REQ 1          # writes "REQ 1" and an LF
 * read 2              # waits for two complete lines from the peer
 * send ACK 1 ok
 * </pre>
 * {@code send} writes the rest of the line exactly (after the one space), then an LF; {@code
 * read N} waits for N lines. Lines sent back to back go out in one write, so they travel as
 * pipelined messages do.
 */
public record Script(List<Step> steps) {
    public Script {
        steps = List.copyOf(requireNonNull(steps, "steps"));
    }

    /** One step of a script. */
    public sealed interface Step permits Send, Read {}

    /** Write {@code line} and an LF. */
    public record Send(String line) implements Step {
        public Send {
            requireNonNull(line, "line");
            if (line.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("a sent line must not contain an LF");
            }
        }
    }

    /** Wait for {@code lines} complete lines from the peer. */
    public record Read(int lines) implements Step {
        public Read {
            if (lines < 1) {
                throw new IllegalArgumentException("read needs at least 1 line: " + lines);
            }
        }
    }

    /** Parses the text format; errors name {@code key} (the option that gave the file). */
    public static Script parse(String key, String text) {
        requireNonNull(text, "text");
        List<Step> steps = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            if (line.startsWith("send ")) {
                steps.add(new Send(line.substring("send ".length())));
            } else if (trimmed.startsWith("read ")) {
                String count = trimmed.substring("read ".length()).strip();
                if (!count.matches("[1-9][0-9]{0,6}")) {
                    throw new ConfigException(key, "line " + (n + 1) + ": '" + count + "' is not a line count");
                }
                steps.add(new Read(Integer.parseInt(count)));
            } else {
                throw new ConfigException(key, "line " + (n + 1) + ": expected 'send LINE' or 'read N', got '"
                        + trimmed + "'");
            }
        }
        if (steps.isEmpty()) {
            throw new ConfigException(key, "the script has no steps");
        }
        return new Script(steps);
    }

    /** Reads and parses a script file. */
    public static Script load(String key, Path file) {
        requireNonNull(file, "file");
        try {
            return parse(key, Files.readString(file, UTF_8));
        } catch (IOException e) {
            throw new ConfigException(key, "cannot read " + file + ": " + e.getMessage());
        }
    }
}
