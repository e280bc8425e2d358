package io.fooproxy.frontend.limits;

import static java.util.Objects.requireNonNull;

import io.fooproxy.frontend.stats.LimitCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per period that saw refusals, idle timeouts or quota pauses, with what changed:
 * {@code limits in the last 10s: 3 over max-connections, 2 denied (deny 10.0.0.0/8: 2)}. Under
 * a flood of refused connections the log grows by one line per period, not one per connection
 * (each one is logged at DEBUG). Called from one scheduled task.
 */
public final class LimitsReport implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(LimitsReport.class);

    private final LimitCounters counters;
    private final String period;
    private LimitCounters.Figures last;

    /** @param period how the log line names the period, e.g. {@code 10s} */
    public LimitsReport(LimitCounters counters, String period) {
        this.counters = requireNonNull(counters, "counters");
        this.period = requireNonNull(period, "period");
        this.last = counters.figures();
    }

    @Override
    public void run() {
        LimitCounters.Figures now = counters.figures();
        LimitCounters.Figures change = now.since(last);
        last = now;
        if (!change.isZero()) {
            log.info("limits in the last {}: {}", period, change.describe());
        }
    }
}
