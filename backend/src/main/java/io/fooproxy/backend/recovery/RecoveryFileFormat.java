package io.fooproxy.backend.recovery;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.fooproxy.backend.analytics.HistogramCodec;
import io.fooproxy.backend.stats.AggregatorState;
import io.fooproxy.backend.stats.FrontendFigures;
import io.fooproxy.backend.stats.SaturatingCounts;
import io.fooproxy.backend.stats.WindowBucket;
import io.fooproxy.proto.recovery.v1.AnalyticsRecord;
import io.fooproxy.proto.recovery.v1.ConsumerRecord;
import io.fooproxy.proto.recovery.v1.ConsumptionRecord;
import io.fooproxy.proto.recovery.v1.FrontendRecord;
import io.fooproxy.proto.recovery.v1.RecoverySnapshot;
import io.fooproxy.proto.recovery.v1.WindowBuckets;
import io.fooproxy.proto.recovery.v1.WindowSlice;
import io.fooproxy.proto.telemetry.v1.Counters;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The recovery file's bytes: a {@code foo.recovery.v1.RecoverySnapshot} in protobuf's JSON
 * mapping with the proto field names, on one line. Reading checks everything it can (format
 * version, shapes, totals against the per-frontend figures) so that a damaged file is refused
 * as a whole rather than half-trusted.
 */
public final class RecoveryFileFormat {

    public static final int FORMAT_VERSION = 1;
    /** A recovery file is around a megabyte at most; anything far larger is not ours. */
    public static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();
    /** Address text JsonFormat prints as is (IPv4, IPv6, zone ids); never empty in a record. */
    private static final Pattern PLAIN_ADDRESS = Pattern.compile("[0-9A-Za-z.:%]+");
    /** What JsonFormat prints bytes fields in: the standard alphabet, padded. */
    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private RecoveryFileFormat() {}

    /**
     * The snapshot as the file's content. A one-off: the persister, which writes again and again,
     * keeps a {@link WindowColumnCache} and calls {@link #encode(AggregatorState, WindowColumnCache)}.
     */
    public static byte[] encode(AggregatorState state) {
        return encode(state, new WindowColumnCache());
    }

    /**
     * The snapshot as the file's content, the window's text taken from {@code windowText} where
     * it is unchanged since the last call.
     *
     * <p>Byte for byte what JsonFormat prints for {@link #toProto} (a test holds it to that), but
     * the window, which is nearly all of the file (up to ten thousand buckets), and each
     * frontend's latency slices (up to a hundred histograms) are written by hand: JsonFormat's
     * reflective printer takes about ten times as long for them, and this runs four times a
     * second. The consumption table (field 6) follows the window, as JsonFormat orders fields by
     * number.
     */
    static byte[] encode(AggregatorState state, WindowColumnCache windowText) {
        requireNonNull(state, "state");
        requireNonNull(windowText, "windowText");
        String head = headerJson(state);
        String tail = consumptionMembers(state);
        List<WindowBucket> window = state.window();
        if (window.isEmpty()) {
            if (tail.isEmpty()) {
                return (head + "\n").getBytes(StandardCharsets.UTF_8);
            }
            return (head.substring(0, head.length() - 1) + (head.length() > 2 ? "," : "") + tail
                    + "}\n").getBytes(StandardCharsets.UTF_8);
        }
        // up to the header's closing brace; the window comes next
        byte[] before = (head.substring(0, head.length() - 1) + ",\"window\":")
                .getBytes(StandardCharsets.UTF_8);
        byte[] after = ((tail.isEmpty() ? "" : "," + tail) + "}\n").getBytes(StandardCharsets.UTF_8);
        return windowText.render(before, window, after);
    }

    /** The snapshot as a message: what {@link #encode} renders. */
    static RecoverySnapshot toProto(AggregatorState state) {
        RecoverySnapshot.Builder snapshot = head(state).addAllFrontends(frontendRecords(state));
        List<WindowBucket> window = state.window();
        if (!window.isEmpty()) {
            long base = WindowColumnCache.base(window);
            WindowBuckets.Builder w = WindowBuckets.newBuilder().setBaseUnixMillis(base);
            for (WindowBucket b : window) {
                w.addOffsetMillis((int) (b.startUnixMillis() - base))
                        .addRequests(b.requests())
                        .addAcks(b.acks())
                        .addNaks(b.naks());
            }
            snapshot.setWindow(w);
        }
        if (!state.consumption().equals(ConsumptionRecord.getDefaultInstance())) {
            snapshot.setConsumption(state.consumption());
        }
        return snapshot.build();
    }

    /**
     * {@code "consumption":{…}} as JsonFormat prints it, or "" when there is none. Written by hand
     * (it holds up to max-tracked-clients entries, and JsonFormat is slow) when every address is
     * plain address text that JsonFormat would not escape; otherwise JsonFormat prints it.
     */
    private static String consumptionMembers(AggregatorState state) {
        ConsumptionRecord c = state.consumption();
        if (c.equals(ConsumptionRecord.getDefaultInstance())) {
            return "";
        }
        for (ConsumerRecord r : c.getClientsList()) {
            if (!PLAIN_ADDRESS.matcher(r.getAddress()).matches()) {
                String json = print(RecoverySnapshot.newBuilder().setConsumption(c).build());
                return json.substring(1, json.length() - 1);
            }
        }
        StringBuilder out = new StringBuilder(64 + 110 * c.getClientsCount());
        out.append("\"consumption\":{");
        int mark = out.length();
        signed(out, "cycle_started_unix_millis", c.getCycleStartedUnixMillis());
        signed(out, "cycle_millis", c.getCycleMillis());
        signed(out, "last_reset_unix_millis", c.getLastResetUnixMillis());
        unsigned(out, "total_messages", c.getTotalMessages());
        unsigned(out, "total_bytes", c.getTotalBytes());
        if (c.getClientsCount() > 0) {
            out.append("\"clients\":[");
            for (int i = 0; i < c.getClientsCount(); i++) {
                ConsumerRecord r = c.getClients(i);
                out.append(i == 0 ? "{" : ",{");
                out.append("\"address\":\"").append(r.getAddress()).append("\",");
                unsigned(out, "messages", r.getMessages());
                unsigned(out, "bytes", r.getBytes());
                unsigned(out, "overcount_messages", r.getOvercountMessages());
                unsigned(out, "overcount_bytes", r.getOvercountBytes());
                out.setLength(out.length() - 1); // the address is never empty: a comma to drop
                out.append('}');
            }
            out.append("],");
        }
        if (out.length() > mark) {
            out.setLength(out.length() - 1);
        }
        return out.append('}').toString();
    }

    /** A 64-bit field as JsonFormat prints it: quoted, left out when 0. */
    private static void signed(StringBuilder out, String name, long value) {
        if (value != 0) {
            out.append('"').append(name).append("\":\"").append(value).append("\",");
        }
    }

    private static void unsigned(StringBuilder out, String name, long value) {
        if (value != 0) {
            out.append('"').append(name).append("\":\"").append(Long.toUnsignedString(value)).append("\",");
        }
    }

    /**
     * The head and the frontends' records as JsonFormat prints them, with the frontends' latency
     * slices (the last field of the last field of each record) written by hand.
     */
    private static String headerJson(AggregatorState state) {
        String head = print(head(state));
        List<FrontendRecord> frontends = frontendRecords(state);
        if (frontends.isEmpty()) {
            return head;
        }
        int binary = 0;
        for (FrontendRecord r : frontends) {
            binary += r.getSerializedSize();
        }
        // about what the JSON takes: base64 and the field names roughly double the binary size
        StringBuilder out = new StringBuilder(head.length() + 2 * binary + 64);
        out.append(head, 0, head.length() - 1); // format_version (never 0) and totals come first
        out.append(",\"frontends\":[");
        for (int i = 0; i < frontends.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            frontendJson(out, frontends.get(i));
        }
        return out.append("]}").toString();
    }

    private static void frontendJson(StringBuilder out, FrontendRecord frontend) {
        List<WindowSlice> slices = frontend.getAnalytics().getWindowList();
        if (slices.isEmpty()) {
            out.append(print(frontend));
            return;
        }
        // analytics (field 9) is the record's last field and window (5) the last of analytics:
        // the printed record without the slices ends with the two closing braces they go before
        String rest = print(frontend.toBuilder()
                .setAnalytics(frontend.getAnalytics().toBuilder().clearWindow()).build());
        out.append(rest, 0, rest.length() - 2);
        out.append(rest.endsWith("{}}") ? "\"window\":[" : ",\"window\":[");
        for (int i = 0; i < slices.size(); i++) {
            WindowSlice slice = slices.get(i);
            out.append(i == 0 ? "{" : ",{");
            int mark = out.length();
            signed(out, "start_unix_millis", slice.getStartUnixMillis());
            if (!slice.getLatencyMicros().isEmpty()) {
                out.append("\"latency_micros\":\"")
                        .append(BASE64.encodeToString(slice.getLatencyMicros().toByteArray())).append("\",");
            }
            unsigned(out, "acks", slice.getAcks());
            unsigned(out, "naks", slice.getNaks());
            if (out.length() > mark) {
                out.setLength(out.length() - 1);
            }
            out.append('}');
        }
        out.append("]}}");
    }

    /** The snapshot's first fields: format version, time and totals. */
    private static RecoverySnapshot.Builder head(AggregatorState state) {
        return RecoverySnapshot.newBuilder()
                .setFormatVersion(FORMAT_VERSION)
                .setSavedAtUnixMillis(state.takenAtUnixMillis())
                .setTotals(state.totals());
    }

    /** One record per frontend, in the state's order. */
    private static List<FrontendRecord> frontendRecords(AggregatorState state) {
        List<FrontendRecord> records = new ArrayList<>(state.frontends().size());
        for (FrontendFigures f : state.frontends()) {
            records.add(FrontendRecord.newBuilder()
                    .setFrontendId(f.frontendId())
                    .setTotals(f.totals())
                    .setIncarnation(f.incarnation())
                    .setLastAppliedSequence(f.lastAppliedSequence())
                    .setBatchesApplied(f.batchesApplied())
                    .setBatchesDuplicate(f.batchesDuplicate())
                    .setLastSeenUnixMillis(f.lastSeenUnixMillis())
                    .setLastState(f.lastState())
                    .setAnalytics(f.analytics())
                    .build());
        }
        return records;
    }

    static String print(MessageOrBuilder message) {
        try {
            return PRINTER.print(message);
        } catch (InvalidProtocolBufferException e) {
            // only Any fields without a type registry fail to print; the snapshot has none
            throw new IllegalStateException("cannot render the recovery snapshot", e);
        }
    }

    /** Reads and checks a recovery file's content. */
    public static RestoredSnapshot decode(byte[] bytes) throws CorruptRecoveryFileException {
        requireNonNull(bytes, "bytes");
        if (bytes.length > MAX_FILE_BYTES) {
            throw new CorruptRecoveryFileException("file is " + bytes.length + " bytes, over the "
                    + MAX_FILE_BYTES + " byte limit");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new CorruptRecoveryFileException("not UTF-8 text", e);
        }
        if (text.isBlank()) {
            throw new CorruptRecoveryFileException("file is empty");
        }
        RecoverySnapshot.Builder builder = RecoverySnapshot.newBuilder();
        try {
            PARSER.merge(text, builder);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new CorruptRecoveryFileException(
                    "not a recovery snapshot: " + firstLine(e.getMessage()), e);
        }
        RecoverySnapshot s = builder.build();
        if (s.getFormatVersion() != FORMAT_VERSION) {
            throw new CorruptRecoveryFileException("unsupported format_version "
                    + Integer.toUnsignedString(s.getFormatVersion()) + " (expected "
                    + FORMAT_VERSION + ")");
        }
        List<FrontendFigures> frontends = new ArrayList<>(s.getFrontendsCount());
        Set<String> ids = new HashSet<>();
        Counters sum = Counters.getDefaultInstance();
        for (FrontendRecord r : s.getFrontendsList()) {
            if (r.getFrontendId().isEmpty()) {
                throw new CorruptRecoveryFileException("a frontend has an empty frontend_id");
            }
            if (!ids.add(r.getFrontendId())) {
                throw new CorruptRecoveryFileException(
                        "frontend_id " + r.getFrontendId() + " appears twice");
            }
            sum = SaturatingCounts.sum(sum, r.getTotals());
            checkHistograms(r.getFrontendId(), r.getAnalytics());
            frontends.add(new FrontendFigures(r.getFrontendId(), r.getTotals(), r.getIncarnation(),
                    r.getLastAppliedSequence(), r.getBatchesApplied(), r.getBatchesDuplicate(),
                    r.getLastSeenUnixMillis(), r.getLastState(), r.getAnalytics()));
        }
        checkConsumption(s.getConsumption());
        if (!sum.equals(s.getTotals())) {
            throw new CorruptRecoveryFileException(
                    "totals do not match the sum of the per-frontend totals");
        }
        return new RestoredSnapshot(s.getSavedAtUnixMillis(), s.getTotals(), frontends,
                window(s.getWindow()), s.getConsumption());
    }

    private static void checkHistograms(String frontendId, AnalyticsRecord a)
            throws CorruptRecoveryFileException {
        try {
            HistogramCodec.decode(a.getLatencyTotalMicros());
            HistogramCodec.decode(a.getConnectionDurationMillis());
            HistogramCodec.decode(a.getMessagesPerConnection());
            for (WindowSlice s : a.getWindowList()) {
                HistogramCodec.decode(s.getLatencyMicros());
            }
        } catch (IllegalArgumentException e) {
            throw new CorruptRecoveryFileException(
                    "frontend " + frontendId + " has a malformed analytics histogram", e);
        }
    }

    private static void checkConsumption(ConsumptionRecord c) throws CorruptRecoveryFileException {
        if (c.getCycleMillis() < 0) {
            throw new CorruptRecoveryFileException("consumption cycle_millis is negative");
        }
        Set<String> addresses = new HashSet<>();
        for (ConsumerRecord r : c.getClientsList()) {
            if (r.getAddress().isEmpty() || !addresses.add(r.getAddress())) {
                throw new CorruptRecoveryFileException(
                        "consumption has an empty or repeated address '" + r.getAddress() + "'");
            }
        }
    }

    /** Parser messages may run over several lines; the log gets one. */
    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static List<WindowBucket> window(WindowBuckets w) throws CorruptRecoveryFileException {
        int n = w.getOffsetMillisCount();
        if (w.getRequestsCount() != n || w.getAcksCount() != n || w.getNaksCount() != n) {
            throw new CorruptRecoveryFileException("window columns have different lengths");
        }
        List<WindowBucket> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long start = w.getBaseUnixMillis() + Integer.toUnsignedLong(w.getOffsetMillis(i));
            out.add(new WindowBucket(start, w.getRequests(i), w.getAcks(i), w.getNaks(i)));
        }
        return out;
    }
}
