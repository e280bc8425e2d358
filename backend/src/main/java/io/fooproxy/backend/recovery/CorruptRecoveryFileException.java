package io.fooproxy.backend.recovery;

/** The recovery file cannot be used: not JSON, not a snapshot, or inconsistent. */
public final class CorruptRecoveryFileException extends Exception {

    public CorruptRecoveryFileException(String message) {
        super(message);
    }

    public CorruptRecoveryFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
