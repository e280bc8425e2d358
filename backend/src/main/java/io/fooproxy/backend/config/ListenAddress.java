package io.fooproxy.backend.config;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;

/**
 * A listen address: {@code :8002} (all interfaces), {@code host:port} or {@code [::1]:8002}.
 * An empty host means all interfaces. Port 0 asks the system for a free port.
 */
public record ListenAddress(String host, int port) {

    public ListenAddress {
        requireNonNull(host, "host");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " out of range");
        }
    }

    /** Parses {@code text} for option {@code key}; errors name the key. */
    public static ListenAddress parse(String key, String text) {
        requireNonNull(key, "key");
        requireNonNull(text, "text");
        String value = text.strip();
        int colon = value.lastIndexOf(':');
        if (colon < 0) {
            throw new ConfigException(key, "expected host:port, :port or [ipv6]:port, got '" + text + "'");
        }
        String host = value.substring(0, colon);
        String portText = value.substring(colon + 1);
        if (host.startsWith("[")) {
            if (!host.endsWith("]") || host.length() < 3) {
                throw new ConfigException(key, "malformed IPv6 address '" + text + "'");
            }
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new ConfigException(key, "IPv6 addresses need brackets, e.g. [::1]:9090");
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "port '" + portText + "' is not a number");
        }
        if (port < 0 || port > 65_535) {
            throw new ConfigException(key, "port " + port + " out of range");
        }
        ListenAddress address = new ListenAddress(host, port);
        if (!host.isEmpty() && address.toSocketAddress().isUnresolved()) {
            throw new ConfigException(key, "unknown host '" + host + "'");
        }
        return address;
    }

    /** The address to bind; resolves the host name. */
    public InetSocketAddress toSocketAddress() {
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    /** Formats a bound socket address the way the flags spell it. */
    public static String format(InetSocketAddress address) {
        requireNonNull(address, "address");
        String host = address.getAddress() != null
                ? address.getAddress().getHostAddress()
                : address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
