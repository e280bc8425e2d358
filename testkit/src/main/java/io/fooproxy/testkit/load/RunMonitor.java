package io.fooproxy.testkit.load;

import java.util.Optional;

/**
 * Where connections report that they are settled (finished, failed, or idle after the stop) and
 * the first error; the controlling thread waits here instead of polling.
 */
final class RunMonitor {
    private final int connections;
    private final boolean stopOnFirstError;
    private int settled;
    private String firstError;

    RunMonitor(int connections, boolean stopOnFirstError) {
        this.connections = connections;
        this.stopOnFirstError = stopOnFirstError;
    }

    synchronized void connectionSettled() {
        settled++;
        notifyAll();
    }

    synchronized void error(String description) {
        if (firstError == null) {
            firstError = description;
            notifyAll();
        }
    }

    synchronized Optional<String> firstError() {
        return Optional.ofNullable(firstError);
    }

    /** True once the run should end early: all connections settled, or an error in stop-on-error mode. */
    synchronized boolean endedEarly() {
        return settled >= connections || (stopOnFirstError && firstError != null);
    }

    /** Waits until {@link #endedEarly()} or the deadline ({@link System#nanoTime()} based). */
    synchronized void awaitEnd(long deadlineNanos) throws InterruptedException {
        while (!endedEarly()) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return;
            }
            long millis = left / 1_000_000;
            wait(millis, (int) (left % 1_000_000));
        }
    }
}
