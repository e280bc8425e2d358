package io.fooproxy.backend.recovery;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how often the backend persists its recovery data.
 *
 * @param path the recovery file (default {@code data/recovery.json}); its directory is created if
 *     missing
 * @param persistInterval shortest gap between two writes, and so the longest a change waits to be
 *     written (default 250 ms; must be &gt; 0 and &le; 1 s)
 */
public record RecoverySettings(Path path, Duration persistInterval) {

    public static final Path DEFAULT_PATH = Path.of("data", "recovery.json");
    public static final Duration DEFAULT_PERSIST_INTERVAL = Duration.ofMillis(250);
    public static final Duration MAX_PERSIST_INTERVAL = Duration.ofSeconds(1);

    public RecoverySettings {
        requireNonNull(path, "path");
        requireNonNull(persistInterval, "persistInterval");
        if (path.getFileName() == null) {
            throw new IllegalArgumentException("recovery path: " + path + " names no file");
        }
        if (persistInterval.isNegative() || persistInterval.isZero()) {
            throw new IllegalArgumentException(
                    "persist interval: must be > 0, got " + persistInterval.toMillis() + " ms");
        }
        if (persistInterval.compareTo(MAX_PERSIST_INTERVAL) > 0) {
            throw new IllegalArgumentException("persist interval: must be at most 1000 ms, got "
                    + persistInterval.toMillis() + " ms");
        }
    }

    /** {@code path} with the default persist interval. */
    public static RecoverySettings of(Path path) {
        return new RecoverySettings(path, DEFAULT_PERSIST_INTERVAL);
    }

    /** The defaults: {@code data/recovery.json}, 250 ms. */
    public static RecoverySettings defaults() {
        return of(DEFAULT_PATH);
    }
}
