package io.fooproxy.frontend.config;

import static java.util.Objects.requireNonNull;

import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * A host and a port as written in the configuration: {@code :8002} (all interfaces, or the
 * local host when connecting), {@code host:8002}, {@code 10.0.0.1:8002} or {@code [::1]:8002}.
 *
 * @param host a name or literal address without brackets; empty for "any interface"
 * @param port 0..65535
 */
public record Endpoint(String host, int port) {

    public Endpoint {
        requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " out of range");
        }
    }

    /**
     * Parses {@code :port}, {@code host:port} or {@code [v6-address]:port}.
     *
     * @throws IllegalArgumentException with a reason that does not repeat the key
     */
    public static Endpoint parse(String text) {
        requireNonNull(text, "text");
        String s = text.trim();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("'" + text + "' is not [address]:port");
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
            if (host.isEmpty()) {
                throw new IllegalArgumentException("'" + text + "' has an empty [address]");
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException(
                        "'" + text + "' has no port (use host:port, :port or [::1]:port)");
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw new IllegalArgumentException(
                        "'" + text + "': put an IPv6 address in brackets, e.g. [::1]:8002");
            }
        }
        return new Endpoint(host, parsePort(port, text));
    }

    private static int parsePort(String port, String text) {
        if (port.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' has no port");
        }
        for (int i = 0; i < port.length(); i++) {
            if (port.charAt(i) < '0' || port.charAt(i) > '9') {
                throw new IllegalArgumentException("port '" + port + "' is not a number");
            }
        }
        // more than 5 digits is out of range whatever they are; avoids int overflow
        if (port.length() > 5) {
            throw new IllegalArgumentException("port " + port + " out of range");
        }
        return Integer.parseInt(port);
    }

    /** The endpoint of a bound or connected socket, by numeric address (for logs). */
    public static Endpoint of(InetSocketAddress address) {
        requireNonNull(address, "address");
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        int zone = host.indexOf('%');
        return new Endpoint(zone >= 0 ? host.substring(0, zone) : host, address.getPort());
    }

    /** True for {@code :port}: every interface when listening, the local host when connecting. */
    public boolean anyHost() {
        return host.isEmpty();
    }

    /** The address to bind a server socket to (resolves a host name now). */
    public InetSocketAddress bindAddress() {
        return anyHost() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    /**
     * The address to connect to. A name stays unresolved so that it is looked up at each
     * connect (DNS changes are followed); a literal address is taken as it is, with nothing to
     * look up; {@code :port} means the local host, as in Go's Dial.
     */
    public InetSocketAddress connectAddress() {
        if (anyHost()) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        }
        if (!NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host)) {
            return InetSocketAddress.createUnresolved(host, port);
        }
        InetAddress literal;
        try {
            literal = InetAddress.getByName(host); // a literal: parsed, scope id and all, no lookup
        } catch (UnknownHostException e) { // e.g. a scope id naming no interface here
            return InetSocketAddress.createUnresolved(host, port);
        }
        if (!(literal instanceof Inet6Address v6) || v6.getScopeId() == 0) {
            // Named after its own text: Netty names each connection's peer address after the one
            // it was asked to connect to, and for a nameless one it formats a new string, one
            // more object for every open connection.
            try {
                literal = InetAddress.getByAddress(host, literal.getAddress());
            } catch (UnknownHostException e) {
                throw new IllegalStateException("a parsed address has 4 or 16 bytes: " + host, e);
            }
        }
        return new InetSocketAddress(literal, port);
    }

    /** The same notation {@link #parse} reads. */
    @Override
    public String toString() {
        if (host.indexOf(':') >= 0) {
            return "[" + host + "]:" + port;
        }
        return host + ":" + port;
    }
}
