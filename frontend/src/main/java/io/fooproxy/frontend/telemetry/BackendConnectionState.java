package io.fooproxy.frontend.telemetry;

/** How the telemetry stream to the backend is doing. */
public enum BackendConnectionState {
    /** A Publish stream is open and ready (or has been acknowledged). */
    CONNECTED,
    /** A Publish stream was started and is not ready yet. */
    CONNECTING,
    /** No stream: waiting to retry, not started, or closed. */
    DISCONNECTED
}
