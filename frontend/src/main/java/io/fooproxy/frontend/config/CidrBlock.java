package io.fooproxy.frontend.config;

import static java.util.Objects.requireNonNull;

import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * A block of IPv4 or IPv6 addresses in CIDR notation: {@code 10.0.0.0/8}, {@code ::1/128},
 * {@code 2001:db8::/32}; a bare address is a block of one ({@code /32} or {@code /128}).
 * Parsing never looks a name up: only address literals are accepted. An IPv4 client reaching an
 * IPv6 socket shows up as {@code ::ffff:a.b.c.d}; it is matched as the IPv4 address it is.
 */
public final class CidrBlock {
    private final byte[] network;
    private final int prefix;
    private final String text;

    private CidrBlock(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
        this.text = NetUtil.bytesToIpAddress(network) + "/" + prefix;
    }

    /** @throws IllegalArgumentException with a reason that quotes the text */
    public static CidrBlock parse(String text) {
        requireNonNull(text, "text");
        String s = text.trim();
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
        if (bytes == null || address.contains("%")) {
            throw new IllegalArgumentException("'" + s + "' is not an IPv4 or IPv6 address block (e.g. 10.0.0.0/8, ::1/128)");
        }
        bytes = unmapped(bytes);
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > bits) {
                throw new IllegalArgumentException("'" + s + "': prefix length must be 0.." + bits);
            }
            prefix = Integer.parseInt(p);
        }
        byte[] masked = mask(bytes, prefix);
        if (!Arrays.equals(masked, bytes)) {
            // most likely a typo (10.0.0.1/8 for 10.0.0.0/8): refuse rather than guess
            throw new IllegalArgumentException("'" + s + "' has address bits set beyond the /" + prefix
                    + " prefix (did you mean " + NetUtil.bytesToIpAddress(masked) + "/" + prefix + "?)");
        }
        return new CidrBlock(bytes, prefix);
    }

    /** Whether {@code address} lies in this block (IPv4 and IPv6 blocks never match each other). */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (address instanceof Inet6Address) {
            a = unmapped(a);
        }
        if (a.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int m = 0xff << (8 - rest) & 0xff;
        return (a[full] & m) == (network[full] & m);
    }

    /** The prefix length in bits. */
    public int prefix() {
        return prefix;
    }

    /** The canonical notation, e.g. {@code 10.0.0.0/8} or {@code ::1/128}. */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CidrBlock other && prefix == other.prefix && Arrays.equals(network, other.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - 8 * i));
            out[i] = (byte) (out[i] & (0xff << (8 - keep)));
        }
        return out;
    }

    /** {@code ::ffff:a.b.c.d} as the four IPv4 bytes; anything else unchanged. */
    private static byte[] unmapped(byte[] bytes) {
        if (bytes.length != 16) {
            return bytes;
        }
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return bytes;
            }
        }
        if (bytes[10] != (byte) 0xff || bytes[11] != (byte) 0xff) {
            return bytes;
        }
        return Arrays.copyOfRange(bytes, 12, 16);
    }
}
