package io.fooproxy.backend;

/** The backend could not start (typically a port in use); the message is one clear line. */
public final class StartupException extends Exception {
    private static final long serialVersionUID = 1L;

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
