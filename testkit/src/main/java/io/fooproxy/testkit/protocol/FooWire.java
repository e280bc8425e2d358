package io.fooproxy.testkit.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Byte-level pieces of the Foo line protocol shared by the server, client and load generator. */
public final class FooWire {
    public static final byte LF = '\n';
    public static final byte SP = ' ';
    /** Digits of a Seq we accept; 18 keep every value inside a long. */
    public static final int MAX_SEQ_DIGITS = 18;
    /** Default bound on one line, LF excluded. */
    public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;

    private static final byte[] REQ_SP = {'R', 'E', 'Q', ' '};
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private FooWire() {}

    /** Writes {@code REQ } into {@code out}. */
    public static void writeReqPrefix(ByteBuf out) {
        out.writeBytes(REQ_SP);
    }

    /** Writes {@code value} (> 0) in decimal, using {@code scratch} (at least 19 bytes) to avoid allocation. */
    public static void writeDecimal(ByteBuf out, long value, byte[] scratch) {
        int i = scratch.length;
        long v = value;
        do {
            scratch[--i] = (byte) ('0' + (v % 10));
            v /= 10;
        } while (v != 0);
        out.writeBytes(scratch, i, scratch.length - i);
    }

    /** Writes the 8 lower-case hex digits of {@code value}. */
    public static void writeHex(ByteBuf out, int value) {
        for (int shift = 28; shift >= 0; shift -= 4) {
            out.writeByte(HEX[(value >>> shift) & 0xF]);
        }
    }

    /** Fills {@code target} with random lower-case hex digits. */
    public static void fillHex(byte[] target, java.util.random.RandomGenerator random) {
        for (int i = 0; i < target.length; i++) {
            target[i] = HEX[random.nextInt(16)];
        }
    }

    /** Renders up to {@code length} bytes for a log or error line, escaping what is not printable ASCII. */
    public static String printable(byte[] bytes, int length) {
        StringBuilder sb = new StringBuilder(length + 8);
        for (int i = 0; i < length; i++) {
            int b = bytes[i] & 0xFF;
            if (b >= 0x20 && b < 0x7F) {
                sb.append((char) b);
            } else {
                sb.append(String.format("\\x%02x", b));
            }
        }
        return sb.toString();
    }
}
