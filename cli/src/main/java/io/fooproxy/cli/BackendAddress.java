package io.fooproxy.cli;

import static java.util.Objects.requireNonNull;

/** Where the backend's gRPC server is: {@code host:port}, {@code [::1]:9090} or {@code :9090} (this host). */
public record BackendAddress(String host, int port) {
    public static final String DEFAULT = "127.0.0.1:9090";

    public BackendAddress {
        requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " out of range");
        }
    }

    /** Parses {@code text}; the message of the IllegalArgumentException says what is wrong. */
    public static BackendAddress parse(String text) {
        requireNonNull(text, "text");
        String value = text.strip();
        int colon = value.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("expected host:port, got '" + text + "'");
        }
        String host = value.substring(0, colon);
        String portText = value.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]") && host.length() > 2) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0 || host.startsWith("[")) {
            throw new IllegalArgumentException("IPv6 addresses need brackets, e.g. [::1]:9090");
        }
        if (host.isEmpty()) {
            host = "127.0.0.1"; // ":9090" is this host, as in the servers' flags
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port '" + portText + "' is not a number");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " out of range");
        }
        return new BackendAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
