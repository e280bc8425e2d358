package io.fooproxy.cli;

/** What the CLI's exit status means. */
final class ExitCodes {
    /** Done; for {@code health}: the backend is SERVING. */
    static final int OK = 0;
    /** {@code health}: the backend answered but is not serving; {@code watch}: the backend ended the stream. */
    static final int NOT_SERVING = 1;
    /** The backend could not be reached or the call failed; also a bad command line. */
    static final int FAILED = 2;

    private ExitCodes() {}
}
