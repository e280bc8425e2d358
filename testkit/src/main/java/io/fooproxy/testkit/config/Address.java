package io.fooproxy.testkit.config;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;

/**
 * A host and port as written on the command line: {@code :8001} (no host), {@code host:port},
 * {@code [::1]:8001}. An empty host means all interfaces when listening and the loopback when
 * connecting.
 */
public record Address(String host, int port) {

    public Address {
        requireNonNull(host, "host");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " out of range");
        }
    }

    /**
     * Parses an address, reporting problems as a {@link ConfigException} for {@code key}.
     */
    public static Address parse(String key, String text) {
        requireNonNull(key, "key");
        if (text == null || text.isBlank()) {
            throw new ConfigException(key, "address is empty (expected host:port or :port)");
        }
        String s = text.trim();
        String host;
        String portText;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new ConfigException(key, "invalid address '" + text + "' (expected [ipv6]:port)");
            }
            host = s.substring(1, close);
            portText = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                throw new ConfigException(key, "invalid address '" + text + "' (expected host:port or :port)");
            }
            host = s.substring(0, colon);
            portText = s.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw new ConfigException(key, "invalid address '" + text + "' (write IPv6 as [addr]:port)");
            }
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "invalid port '" + portText + "' in '" + text + "'");
        }
        if (port < 0 || port > 65_535) {
            throw new ConfigException(key, "port " + port + " out of range");
        }
        return new Address(host, port);
    }

    /** Where to bind: an empty host means every interface. */
    public InetSocketAddress toBindAddress() {
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    /** Where to connect: an empty host means this machine. */
    public InetSocketAddress toConnectAddress() {
        return new InetSocketAddress(host.isEmpty() ? "127.0.0.1" : host, port);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
