package io.fooproxy.testkit.load;

import static java.util.Objects.requireNonNull;

import io.fooproxy.testkit.protocol.FooWire;
import io.netty.util.ByteProcessor;

/**
 * Streaming parser of server answers ({@code ACK|NAK SP Seq [SP Data] LF}), fed one byte at a
 * time so an answer may be split anywhere. Keeps only the Seq value and the first bytes of the
 * line (for error messages); allocates nothing unless a line is malformed.
 */
final class AnswerParser implements ByteProcessor {

    /** Receives parsed answers; returning false stops the scan (e.g. after closing the connection). */
    interface Sink {
        boolean onAnswer(boolean ack, long seq);

        boolean onMalformed(String reason);
    }

    private static final int TYPE = 0;
    private static final int SEQ = 1;
    private static final int DATA = 2;
    private static final int BAD = 3;

    private final Sink sink;
    private final int maxLineBytes;
    private final byte[] head = new byte[48];
    private int headLength;
    private int state = TYPE;
    private int typeIndex;
    private boolean ack;
    private long seq;
    private int seqDigits;
    private int lineLength;
    private String badReason;

    AnswerParser(Sink sink, int maxLineBytes) {
        this.sink = requireNonNull(sink, "sink");
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    public boolean process(byte b) {
        if (b == FooWire.LF) {
            return endOfLine();
        }
        if (++lineLength > maxLineBytes) {
            String reason = "answer line longer than " + maxLineBytes + " bytes: '" + currentLine() + "...'";
            reset();
            return sink.onMalformed(reason);
        }
        if (headLength < head.length) {
            head[headLength++] = b;
        }
        switch (state) {
            case TYPE -> type(b);
            case SEQ -> {
                if (b >= '0' && b <= '9') {
                    if (++seqDigits > FooWire.MAX_SEQ_DIGITS) {
                        bad("seq longer than " + FooWire.MAX_SEQ_DIGITS + " digits");
                    } else {
                        seq = seq * 10 + (b - '0');
                    }
                } else if (b == FooWire.SP && seqDigits > 0) {
                    state = DATA;
                } else {
                    bad("seq is not a decimal number");
                }
            }
            default -> {
                // DATA or BAD: wait for the LF
            }
        }
        return true;
    }

    private void type(byte b) {
        boolean ok = switch (typeIndex) {
            case 0 -> {
                ack = b == 'A';
                yield b == 'A' || b == 'N';
            }
            case 1 -> b == (ack ? 'C' : 'A');
            case 2 -> b == 'K';
            default -> b == FooWire.SP;
        };
        if (!ok) {
            bad("expected ACK or NAK");
        } else if (++typeIndex == 4) {
            state = SEQ;
        }
    }

    private void bad(String reason) {
        state = BAD;
        badReason = reason;
    }

    private boolean endOfLine() {
        if (state == DATA || (state == SEQ && seqDigits > 0)) {
            boolean more = sink.onAnswer(ack, seq);
            reset();
            return more;
        }
        String reason = (state == BAD ? badReason : "incomplete answer") + ": '" + currentLine() + "'";
        reset();
        return sink.onMalformed(reason);
    }

    /** The start of the line being parsed, printable; for error messages. */
    String currentLine() {
        return FooWire.printable(head, headLength);
    }

    private void reset() {
        state = TYPE;
        typeIndex = 0;
        seq = 0;
        seqDigits = 0;
        lineLength = 0;
        headLength = 0;
        badReason = null;
    }
}
