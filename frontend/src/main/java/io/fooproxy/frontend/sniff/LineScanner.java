package io.fooproxy.frontend.sniff;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Classifies the Foo lines of one direction of one connection, from buffers that arrive split
 * anywhere. Keeps a few primitive fields of state between buffers, so memory stays constant
 * however long a line is, and allocates nothing per line or per buffer.
 *
 * <p>A line is everything up to an LF. For client to server, {@code REQ <seq>[ <data>]} is a
 * message; for server to client, {@code ACK <seq>[ <data>]} and {@code NAK <seq>[ <data>]}.
 * {@code <seq>} is 1 to 19 decimal digits with a value from 1 to {@link Long#MAX_VALUE};
 * {@code <data>} is any bytes (CR and NUL included). Every other complete line, an empty one
 * or a known type sent the wrong way included, is reported as invalid; a line that would be a
 * valid message in the other direction is in addition told to the {@link MessageObserver} (a REQ
 * from the server, an answer from the client), which also gets each valid message's seq.
 *
 * <p>Decisions the grammar leaves open:
 * <ul>
 *   <li>A CR right before the LF of a line without data ({@code REQ 5\r\n}) is tolerated:
 *       the line is a valid message, so CRLF clients are not counted as invalid. With data,
 *       a CR is simply part of the data. Anywhere else in the header it makes the line invalid.
 *   <li>Leading zeros in the seq are accepted ({@code REQ 007}) within the 19 digits.
 *   <li>A line longer than {@code maxLineLength} bytes (LF excluded, CR included) is reported
 *       once through {@link TrafficSink#onOversizedLine} as soon as it passes the limit, and
 *       nothing else is reported for it; scanning resumes after its LF.
 *   <li>A last line that never gets its LF (the connection closes first) is not reported: it
 *       was never a complete message. Its bytes are relayed all the same.
 * </ul>
 *
 * <p>Reports to the {@link TrafficSink} in runs: consecutive lines of one kind (REQ, ACK, NAK or
 * invalid) within one buffer are told in one call when the kind changes or the buffer ends, so
 * a read of sixteen pipelined REQs costs the sink one call, not sixteen (the sink's counters and
 * clock are a large part of a line's cost otherwise). The order of the reports is the order of
 * the lines. The observers still hear of every line as it ends.
 *
 * <p>Reads bytes by index between the reader and writer index and never moves either, so the
 * buffer goes on untouched. Not thread-safe: one scanner per channel and direction, used on
 * that channel's event loop.
 */
public final class LineScanner {
    private static final byte LF = '\n';
    private static final byte CR = '\r';
    private static final byte SP = ' ';
    private static final int MAX_SEQ_DIGITS = 19;

    // Parser states. The last three (>= DATA) only wait for the LF, found with a fast search.
    private static final int LINE_START = 0; // nothing of the line yet
    private static final int TYPE_1 = 1; // first type letter matched
    private static final int TYPE_2 = 2; // two type letters matched
    private static final int TYPE_DONE = 3; // three letters matched, SP expected
    private static final int SEQ_START = 4; // SP after the type seen, first digit expected
    private static final int SEQ = 5; // in the digits
    private static final int CR_AFTER_SEQ = 6; // "TYPE SEQ\r", only an LF may follow
    private static final int DATA = 7; // "TYPE SEQ " seen: a valid message once the LF comes
    private static final int INVALID = 8; // not a message: report invalid at the LF
    private static final int OVERSIZED = 9; // already reported as oversized: skip to the LF

    // "REQ ", "ACK ", "NAK " as ByteBuf.getInt reads them (big-endian)
    private static final int REQ_SP = 'R' << 24 | 'E' << 16 | 'Q' << 8 | ' ';
    private static final int ACK_SP = 'A' << 24 | 'C' << 16 | 'K' << 8 | ' ';
    private static final int NAK_SP = 'N' << 24 | 'A' << 16 | 'K' << 8 | ' ';

    private static final byte[] REQ = {'R', 'E', 'Q'};
    private static final byte[] ACK = {'A', 'C', 'K'};
    private static final byte[] NAK = {'N', 'A', 'K'};

    private final Direction direction;
    private final long maxLineLength;
    private final TrafficSink sink;
    private final LineObserver observer;
    private final MessageObserver messages;
    /** Made on first use: an idle connection's two scanners never need it. */
    private ByteProcessor headerBytes;

    private int state = LINE_START;
    private MessageType type;
    private long seq;
    private int seqDigits;
    private long lineLength;
    /** The run of same-kind lines not yet told to the sink: its type ({@code null}: invalid lines) and length. */
    private MessageType runType;
    private int runLength;

    /**
     * @param direction     the direction this scanner watches; decides which types are valid
     * @param maxLineLength the longest line (bytes before the LF) that is classified, at least 1
     * @param sink          receives one report per complete line
     */
    public LineScanner(Direction direction, int maxLineLength, TrafficSink sink) {
        this(direction, maxLineLength, sink, LineObserver.NONE);
    }

    /**
     * @param observer also told of every line end, for per-connection bookkeeping
     */
    public LineScanner(Direction direction, int maxLineLength, TrafficSink sink, LineObserver observer) {
        this(direction, maxLineLength, sink, observer, MessageObserver.NONE);
    }

    /**
     * @param messages also told of every valid message with its seq, of every message sent the
     *                 wrong way, and of the end of each scanned buffer
     */
    public LineScanner(Direction direction, int maxLineLength, TrafficSink sink, LineObserver observer,
            MessageObserver messages) {
        this.observer = requireNonNull(observer, "observer");
        this.messages = requireNonNull(messages, "messages");
        this.direction = requireNonNull(direction, "direction");
        if (maxLineLength < 1) {
            throw new IllegalArgumentException("maxLineLength must be at least 1: " + maxLineLength);
        }
        this.maxLineLength = maxLineLength;
        this.sink = requireNonNull(sink, "sink");
    }

    /** Scans the readable bytes of {@code buf} without changing the buffer in any way. */
    public void scan(ByteBuf buf) {
        int i = buf.readerIndex();
        final int end = buf.writerIndex();
        try {
            scanBytes(buf, i, end);
            endRun();
        } finally {
            // even when a sink threw: the observer may hold something open for this read
            messages.onScanned(direction, end - i);
        }
    }

    private void scanBytes(ByteBuf buf, int i, int end) {
        while (i < end) {
            if (state >= DATA) {
                // The rest of the line does not matter, only where it ends: a vectorised search.
                int lf = buf.indexOf(i, end, LF);
                int stop = lf < 0 ? end : lf;
                if (state != OVERSIZED) {
                    grow(stop - i);
                }
                if (lf < 0) {
                    return;
                }
                endOfLine();
                i = lf + 1;
            } else {
                if (state == LINE_START) {
                    int next = commonHeader(buf, i, end);
                    if (next >= 0) {
                        i = next;
                        continue;
                    }
                }
                // Header bytes one by one, through forEachByte: one bounds and liveness check for
                // the run instead of one per byte as getByte would. It stops at the byte that
                // leaves the header (into DATA, INVALID or OVERSIZED), or at the end.
                if (headerBytes == null) {
                    headerBytes = this::headerByte;
                }
                int left = buf.forEachByte(i, end - i, headerBytes);
                if (left < 0) {
                    return;
                }
                i = left + 1;
            }
        }
    }

    /**
     * The header of nearly every line, in one go: {@code TYPE SP <1-18 digits, not all zero>}
     * then SP or LF, all in this buffer. Four bytes compared as one int and a tight digit loop,
     * instead of a call per byte through the state machine; the state afterwards is exactly what
     * the byte-by-byte path leaves (DATA after the SP, or the line ended at the LF), and a header
     * already over the length limit is reported by the LF search's first grow just as that path
     * would. Anything else (another first word, a CR, 19 digits, a header reaching the buffer's
     * end, a whole line over the limit) is left untouched to the byte-by-byte path: returns -1.
     *
     * @return where scanning goes on, or -1
     */
    private int commonHeader(ByteBuf buf, int start, int end) {
        if (end - start < 6) { // "REQ 1\n" is the shortest
            return -1;
        }
        MessageType t = switch (buf.getInt(start)) {
            case REQ_SP -> MessageType.REQ;
            case ACK_SP -> MessageType.ACK;
            case NAK_SP -> MessageType.NAK;
            default -> null;
        };
        if (t == null) {
            return -1;
        }
        int firstDigit = start + 4;
        // reads 19 digits at most, and a 19th means "not here": that seq may not fit in a long
        int limit = Math.min(end, firstDigit + MAX_SEQ_DIGITS);
        int j = firstDigit;
        long value = 0;
        byte b = 0;
        while (j < limit) {
            b = buf.getByte(j);
            if (b < '0' || b > '9') {
                break;
            }
            value = value * 10 + (b - '0'); // may overflow on a 19th digit: such a line is left, below
            j++;
        }
        if (value == 0 || (b != SP && b != LF)) {
            // no digits or a zero seq; or b is a CR or other byte, or still a digit (the loop
            // ran into the buffer's end or the 19th digit)
            return -1;
        }
        int headerBytes = j - start; // before the terminator
        if (b == LF && headerBytes > maxLineLength) {
            return -1; // a whole line over the limit: the byte path reports it as oversized
        }
        type = t;
        seq = value;
        seqDigits = j - firstDigit;
        if (b == SP) {
            // over the limit already? The LF search's first grow reports it, as the byte path would
            lineLength = headerBytes + 1;
            state = DATA;
        } else {
            lineLength = headerBytes;
            state = SEQ;
            endOfLine();
        }
        return j + 1;
    }

    /** One byte while the line is still in its header; false once the rest is for the LF search. */
    private boolean headerByte(byte b) {
        if (b == LF) {
            endOfLine();
        } else if (grow(1)) {
            header(b);
        }
        return state < DATA;
    }

    /** True between buffers when a line has started but its LF has not come yet. */
    public boolean inLine() {
        return state != LINE_START;
    }

    /** Adds bytes to the current line; reports it once it passes the limit. */
    private boolean grow(int bytes) {
        lineLength += bytes;
        if (lineLength > maxLineLength) {
            state = OVERSIZED;
            endRun(); // keeps the reports in line order
            sink.onOversizedLine(direction);
            observer.onLine(null);
            return false;
        }
        return true;
    }

    private void header(byte b) {
        switch (state) {
            case LINE_START -> {
                type = typeStartingWith(b);
                state = type == null ? INVALID : TYPE_1;
            }
            case TYPE_1 -> state = b == letters(type)[1] ? TYPE_2 : INVALID;
            case TYPE_2 -> state = b == letters(type)[2] ? TYPE_DONE : INVALID;
            case TYPE_DONE -> state = b == SP ? SEQ_START : INVALID;
            case SEQ_START, SEQ -> seqByte(b);
            default -> state = INVALID; // CR_AFTER_SEQ: the CR was not the last byte of the line
        }
    }

    private void seqByte(byte b) {
        if (b >= '0' && b <= '9') {
            int digit = b - '0';
            if (seqDigits == MAX_SEQ_DIGITS || seq > (Long.MAX_VALUE - digit) / 10) {
                state = INVALID; // too many digits, or the value would not fit in a long
            } else {
                seq = seq * 10 + digit;
                seqDigits++;
                state = SEQ;
            }
        } else if (state == SEQ && seq >= 1 && b == SP) {
            state = DATA;
        } else if (state == SEQ && seq >= 1 && b == CR) {
            state = CR_AFTER_SEQ;
        } else {
            state = INVALID;
        }
    }

    private void endOfLine() {
        switch (state) {
            case DATA, CR_AFTER_SEQ -> message(type);
            case SEQ -> {
                if (seq >= 1) {
                    message(type);
                } else {
                    invalid();
                }
            }
            case OVERSIZED -> {
                // reported when it passed the limit
            }
            default -> invalid(); // empty line, cut-off header, garbage
        }
        state = LINE_START;
        type = null;
        seq = 0;
        seqDigits = 0;
        lineLength = 0;
    }

    private void message(MessageType t) {
        if (!validFor(t)) {
            // well formed, but this type travels the other way: invalid for the stats contract
            invalid();
            messages.onWrongDirection(t, seq);
            return;
        }
        extendRun(t);
        observer.onLine(t);
        messages.onMessage(t, seq);
    }

    private boolean validFor(MessageType t) {
        return (t == MessageType.REQ) == (direction == Direction.CLIENT_TO_SERVER);
    }

    private void invalid() {
        extendRun(null);
        observer.onLine(null);
    }

    /** One more line of this kind ({@code null}: invalid); a different kind first ends the run before. */
    private void extendRun(MessageType kind) {
        if (runLength > 0 && kind != runType) {
            endRun();
        }
        runType = kind;
        runLength++;
    }

    /** Tells the sink of the run so far, if any. */
    private void endRun() {
        if (runLength == 0) {
            return;
        }
        int length = runLength;
        runLength = 0;
        if (runType == null) {
            sink.onInvalidLines(direction, length);
        } else {
            sink.onMessages(runType, length);
        }
    }

    /** Any of the three types, whatever the direction: a wrong-way message is recognised too. */
    private static MessageType typeStartingWith(byte b) {
        return switch (b) {
            case 'R' -> MessageType.REQ;
            case 'A' -> MessageType.ACK;
            case 'N' -> MessageType.NAK;
            default -> null;
        };
    }

    private static byte[] letters(MessageType type) {
        return switch (type) {
            case REQ -> REQ;
            case ACK -> ACK;
            case NAK -> NAK;
        };
    }
}
