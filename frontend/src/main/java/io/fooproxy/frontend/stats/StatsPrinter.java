package io.fooproxy.frontend.stats;

import static java.util.Objects.requireNonNull;

import io.fooproxy.proto.json.StatsJson;
import java.io.PrintStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prints the stats JSON line (SIGUSR2): {@link StatsJson} of the source's current figures plus
 * a newline, in one write, flushed. The stream is stdout in production, which carries nothing
 * else. With {@link LimitCounters}, the line ends with one more field, {@code "limits"}: the
 * frontend's own refusals, idle timeouts and quota pauses (the backend does not have them).
 */
public final class StatsPrinter {
    private static final Logger log = LoggerFactory.getLogger(StatsPrinter.class);

    private final StatsSource source;
    private final PrintStream out;
    private final LimitCounters limits;

    public StatsPrinter(StatsSource source, PrintStream out) {
        this(source, out, null);
    }

    /** @param limits appended as the {@code "limits"} field; null for none */
    public StatsPrinter(StatsSource source, PrintStream out, LimitCounters limits) {
        this.source = requireNonNull(source, "source");
        this.out = requireNonNull(out, "out");
        this.limits = limits;
    }

    /** Prints one line; never throws (a failure is logged). */
    public void print() {
        String line;
        try {
            String json = StatsJson.toJson(source.currentStats());
            if (limits != null && json.endsWith("}")) {
                // one more field at the end of the object: the contract's fields stay first
                json = json.substring(0, json.length() - 1) + ",\"limits\":" + limits.figures().toJson() + "}";
            }
            line = json + "\n";
        } catch (RuntimeException e) {
            log.error("cannot print stats: the stats source failed", e);
            return;
        }
        // one print call, under the stream's own lock, so concurrent prints never interleave
        synchronized (out) {
            out.print(line);
            out.flush();
        }
        if (out.checkError()) {
            log.warn("stats line could not be written: the output stream is in an error state");
        }
    }
}
