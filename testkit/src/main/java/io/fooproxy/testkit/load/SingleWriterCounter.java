package io.fooproxy.testkit.load;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A count changed by one thread (a connection's event loop) and read by others (the progress
 * timer): a release store instead of a full fence or a CAS, so counting stays cheap per answer.
 */
final class SingleWriterCounter {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(SingleWriterCounter.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through VALUE
    private long value;

    /** Only from the owning thread. */
    void add(long n) {
        VALUE.setRelease(this, value + n);
    }

    /** From any thread. */
    long get() {
        return (long) VALUE.getAcquire(this);
    }
}
