package io.fooproxy.backend.recovery;

import static java.util.Objects.requireNonNull;

import io.fooproxy.backend.health.HealthComponent;
import io.fooproxy.backend.stats.AggregatorState;
import io.fooproxy.backend.stats.StatsAggregator;
import io.fooproxy.backend.stats.WindowBucket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the aggregator's durable state on disk and brings it back after a restart.
 *
 * <ul>
 *   <li>{@link #restore()} at startup, before serving: loads the file into the aggregator under
 *       the {@link RecoveryRule}. A missing file starts clean (its directory is created); a file
 *       that cannot be read or trusted is moved aside to {@code <name>.corrupt-<unix-millis>}
 *       with one WARN line, and the backend starts clean. Never throws for a bad file.
 *   <li>{@link #start()}: a background thread writes a consistent snapshot when something
 *       changed, at most once per persist interval, and at least once a second (which keeps
 *       {@code saved_at} fresh for the recovery rule and notices a broken disk while idle).
 *   <li>{@link #durable()}: group commit. The future completes after the next successful write
 *       that holds every change applied before the call. While writes fail the futures stay
 *       pending and {@link #healthComponent()} is not serving.
 *   <li>{@link #close()}: stops the thread and writes once more (SIGTERM).
 * </ul>
 *
 * <p>Futures complete on the writer thread: their dependants must not block.
 */
public final class RecoveryManager implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RecoveryManager.class);
    private static final long MAX_WRITE_GAP_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long FAILURE_LOG_GAP_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final RecoverySettings settings;
    private final StatsAggregator aggregator;
    private final Clock clock;
    private final long intervalNanos;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    // guarded by lock
    private final List<Waiter> waiters = new ArrayList<>();
    private long durableVersion = -1;
    private boolean restored;
    private boolean started;
    private boolean closed;
    private Thread persister;

    /** One write at a time (the persister, or close() once the persister has stopped). */
    private final ReentrantLock writeLock = new ReentrantLock();
    // guarded by writeLock
    private long lastFailureLogNanos;
    /** The window's text from write to write: most of it is unchanged 250 ms later. */
    private final WindowColumnCache windowText = new WindowColumnCache(); // guarded by writeLock

    private volatile WriteStatus writeStatus = WriteStatus.NONE;

    private final HealthComponent health = new Health();

    public RecoveryManager(RecoverySettings settings, StatsAggregator aggregator, Clock clock) {
        this.settings = requireNonNull(settings, "settings");
        this.aggregator = requireNonNull(aggregator, "aggregator");
        this.clock = requireNonNull(clock, "clock");
        this.intervalNanos = settings.persistInterval().toNanos();
    }

    public RecoverySettings settings() {
        return settings;
    }

    /**
     * Loads the recovery file, if any, into the aggregator. Call once at startup, before
     * {@link #start()} and before serving.
     */
    public void restore() {
        lock.lock();
        try {
            if (started || closed) {
                throw new IllegalStateException("restore() must come before start() and close()");
            }
        } finally {
            lock.unlock();
        }
        Path path = settings.path();
        Path dir = path.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            // not fatal here: every write retries, and health says what is wrong meanwhile
            log.error("recovery: cannot create directory {}: {}", dir, describe(e));
        }
        try {
            Files.deleteIfExists(AtomicFileWriter.tempFileFor(path)); // left by a crash mid-write
        } catch (IOException e) {
            log.debug("recovery: cannot remove a stale temp file", e);
        }
        load(path);
        lock.lock();
        try {
            restored = true;
            // what is in the aggregator now is what the file holds: durable already
            durableVersion = aggregator.version();
        } finally {
            lock.unlock();
        }
    }

    private void load(Path path) {
        if (!Files.exists(path)) {
            log.info("recovery: no file at {}; starting with empty statistics", path);
            return;
        }
        byte[] bytes;
        try {
            if (Files.isRegularFile(path) && Files.size(path) > RecoveryFileFormat.MAX_FILE_BYTES) {
                moveAside(path, "file is " + Files.size(path) + " bytes, over the limit");
                return;
            }
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            log.info("recovery: no file at {}; starting with empty statistics", path);
            return;
        } catch (IOException e) {
            moveAside(path, "cannot read it: " + describe(e));
            return;
        }
        RestoredSnapshot snapshot;
        try {
            snapshot = RecoveryFileFormat.decode(bytes);
        } catch (CorruptRecoveryFileException e) {
            moveAside(path, e.getMessage());
            return;
        }
        long now = clock.millis();
        List<WindowBucket> window =
                RecoveryRule.restorableBuckets(snapshot.savedAtUnixMillis(), snapshot.window(), now);
        try {
            aggregator.restore(RecoveryRule.restorableSlices(snapshot.savedAtUnixMillis(),
                    snapshot.frontends(), now), window, snapshot.consumption());
        } catch (IllegalArgumentException e) {
            moveAside(path, e.getMessage());
            return;
        }
        log.info("recovery: restored {} saved {} ms ago: msg_req={} msg_ack={} msg_nak={}, "
                        + "{} frontends, {} of {} window buckets still current, consumption cycle "
                        + "from {} with {} clients",
                path, now - snapshot.savedAtUnixMillis(),
                Long.toUnsignedString(snapshot.totals().getRequests()),
                Long.toUnsignedString(snapshot.totals().getAcks()),
                Long.toUnsignedString(snapshot.totals().getNaks()),
                snapshot.frontends().size(), window.size(), snapshot.window().size(),
                Instant.ofEpochMilli(snapshot.consumption().getCycleStartedUnixMillis()),
                snapshot.consumption().getClientsCount());
    }

    private void moveAside(Path path, String reason) {
        Path aside = path.resolveSibling(path.getFileName() + ".corrupt-" + clock.millis());
        for (int n = 2; Files.exists(aside) && n < 100; n++) {
            aside = path.resolveSibling(path.getFileName() + ".corrupt-" + clock.millis() + "-" + n);
        }
        try {
            Files.move(path, aside);
            log.warn("recovery: file {} is unusable ({}); moved it to {} and started with empty "
                    + "statistics", path, reason, aside);
        } catch (IOException e) {
            log.warn("recovery: file {} is unusable ({}) and could not be moved aside ({}); "
                    + "started with empty statistics", path, reason, describe(e));
        }
    }

    /** Starts the background writer. {@link #restore()} must have run. */
    public void start() {
        lock.lock();
        try {
            if (!restored) {
                throw new IllegalStateException("restore() must run before start()");
            }
            if (started || closed) {
                throw new IllegalStateException("already started or closed");
            }
            started = true;
            persister = new Thread(this::runPersister, "recovery-persister");
            persister.setDaemon(true);
            persister.start();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A future that completes once every change applied to the aggregator before this call is
     * on disk. Completes at once if it already is; completes exceptionally if the manager closes
     * before that.
     */
    public CompletableFuture<Void> durable() {
        long version = aggregator.version();
        lock.lock();
        try {
            if (version <= durableVersion) {
                return CompletableFuture.completedFuture(null);
            }
            if (closed) {
                return CompletableFuture.failedFuture(
                        new IllegalStateException("recovery is closed; the change is not durable"));
            }
            Waiter w = new Waiter(version, new CompletableFuture<>());
            waiters.add(w);
            wake.signalAll();
            return w.future;
        } finally {
            lock.unlock();
        }
    }

    /** Stops the background writer and writes one last time. Idempotent. */
    @Override
    public void close() {
        Thread thread;
        boolean write;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            thread = persister;
            write = restored; // never overwrite a file that was not loaded first
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        if (thread != null && thread != Thread.currentThread()) {
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (write) {
            writeOnce();
        }
        List<Waiter> left;
        lock.lock();
        try {
            left = new ArrayList<>(waiters);
            waiters.clear();
        } finally {
            lock.unlock();
        }
        for (Waiter w : left) {
            w.future.completeExceptionally(
                    new IllegalStateException("recovery closed before the change was durable"));
        }
    }

    /** "recovery": critical, serving while the last write succeeded. */
    public HealthComponent healthComponent() {
        return health;
    }

    private void runPersister() {
        long lastAttempt = System.nanoTime() - MAX_WRITE_GAP_NANOS;
        while (true) {
            lock.lock();
            try {
                while (true) {
                    if (closed) {
                        return;
                    }
                    boolean wanted = !waiters.isEmpty()
                            || aggregator.version() != durableVersion
                            || !writeStatus.ok();
                    long now = System.nanoTime();
                    long due = lastAttempt + (wanted ? intervalNanos : MAX_WRITE_GAP_NANOS);
                    long wait = due - now;
                    if (wait <= 0) {
                        break;
                    }
                    // the aggregator does not signal changes: look again every interval
                    wake.awaitNanos(Math.min(wait, intervalNanos));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
            lastAttempt = System.nanoTime();
            writeOnce();
        }
    }

    /** Takes a consistent snapshot and writes it; completes the futures it covers. */
    private boolean writeOnce() {
        writeLock.lock();
        try {
            AggregatorState state = aggregator.exportState();
            try {
                byte[] bytes = RecoveryFileFormat.encode(state, windowText);
                AtomicFileWriter.write(settings.path(), bytes);
                succeeded(state.version(), bytes.length);
                return true;
            } catch (IOException | RuntimeException e) {
                failed(e);
                return false;
            }
        } finally {
            writeLock.unlock();
        }
    }

    private void succeeded(long version, long bytes) {
        WriteStatus before = writeStatus;
        writeStatus = WriteStatus.ok(clock.millis(), bytes);
        if (!before.ok()) {
            log.info("recovery: writing {} works again after {} failed attempts",
                    settings.path(), before.consecutiveFailures());
        }
        List<Waiter> done = new ArrayList<>();
        lock.lock();
        try {
            durableVersion = Math.max(durableVersion, version);
            for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
                Waiter w = it.next();
                if (w.version <= durableVersion) {
                    done.add(w);
                    it.remove();
                }
            }
        } finally {
            lock.unlock();
        }
        for (Waiter w : done) {
            w.future.complete(null);
        }
    }

    private void failed(Exception e) {
        WriteStatus before = writeStatus;
        long nowMillis = clock.millis();
        WriteStatus now = before.ok()
                ? WriteStatus.failed(nowMillis, nowMillis, 1, describe(e))
                : WriteStatus.failed(nowMillis, before.failingSinceUnixMillis(),
                        before.consecutiveFailures() + 1, describe(e));
        writeStatus = now;
        long t = System.nanoTime();
        if (before.ok() || t - lastFailureLogNanos >= FAILURE_LOG_GAP_NANOS) {
            lastFailureLogNanos = t;
            log.warn("recovery: cannot write {} ({} failed attempts so far): {}; telemetry is "
                    + "not acknowledged until a write succeeds",
                    settings.path(), now.consecutiveFailures(), now.error());
        }
    }

    private int pendingAcknowledgements() {
        lock.lock();
        try {
            return waiters.size();
        } finally {
            lock.unlock();
        }
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private record Waiter(long version, CompletableFuture<Void> future) {}

    /** The outcome of the latest write attempt, for health. */
    private record WriteStatus(
            boolean attempted,
            boolean ok,
            long atUnixMillis,
            long bytes,
            long failingSinceUnixMillis,
            int consecutiveFailures,
            String error) {

        static final WriteStatus NONE = new WriteStatus(false, true, 0, 0, 0, 0, "");

        static WriteStatus ok(long at, long bytes) {
            return new WriteStatus(true, true, at, bytes, 0, 0, "");
        }

        static WriteStatus failed(long at, long since, int failures, String error) {
            return new WriteStatus(true, false, at, 0, since, failures, error);
        }
    }

    private final class Health implements HealthComponent {
        @Override
        public String name() {
            return "recovery";
        }

        @Override
        public boolean critical() {
            return true;
        }

        @Override
        public ComponentStatus status() {
            WriteStatus s = writeStatus;
            if (!s.attempted()) {
                return new ComponentStatus(true, "no write yet to " + settings.path());
            }
            if (s.ok()) {
                return new ComponentStatus(true, "last write of " + s.bytes() + " bytes to "
                        + settings.path() + " at " + Instant.ofEpochMilli(s.atUnixMillis()));
            }
            return new ComponentStatus(false, s.consecutiveFailures() + " writes to "
                    + settings.path() + " failed since "
                    + Instant.ofEpochMilli(s.failingSinceUnixMillis()) + ", last: " + s.error()
                    + "; " + pendingAcknowledgements() + " acknowledgements waiting");
        }
    }
}
