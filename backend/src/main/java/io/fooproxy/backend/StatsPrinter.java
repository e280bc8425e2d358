package io.fooproxy.backend;

import static java.util.Objects.requireNonNull;

import io.fooproxy.backend.stats.StatsView;
import io.fooproxy.proto.json.StatsJson;
import java.io.PrintStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SIGUSR2: one stats JSON line on stdout, the only thing the backend ever writes there. */
public final class StatsPrinter {
    private static final Logger log = LoggerFactory.getLogger(StatsPrinter.class);

    private final StatsView stats;
    private final PrintStream out;

    public StatsPrinter(StatsView stats, PrintStream out) {
        this.stats = requireNonNull(stats, "stats");
        this.out = requireNonNull(out, "out");
    }

    /** Prints one line; never throws, so a bad moment cannot kill the signal thread. */
    public void print() {
        String line;
        try {
            line = StatsJson.toJson(stats.snapshot());
        } catch (RuntimeException e) {
            log.error("cannot take a stats snapshot for SIGUSR2", e);
            return;
        }
        // one write per line, so two signals close together never interleave their output
        synchronized (out) {
            out.print(line + "\n");
            out.flush();
        }
        if (out.checkError()) {
            log.warn("stdout is not accepting the stats line (closed pipe?)");
        }
    }
}
