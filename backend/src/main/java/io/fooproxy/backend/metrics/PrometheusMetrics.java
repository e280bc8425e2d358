package io.fooproxy.backend.metrics;

import static java.util.Objects.requireNonNull;

import io.fooproxy.backend.stats.StatsView;
import io.fooproxy.proto.stats.v1.Distribution;
import io.fooproxy.proto.stats.v1.FrontendStats;
import io.fooproxy.proto.stats.v1.Latency;
import io.fooproxy.proto.stats.v1.ProtocolViolations;
import io.fooproxy.proto.stats.v1.Stats;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.SummaryWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * {@code /metrics}: the statistics in the Prometheus text format, through the official client.
 * Every metric is a callback over one {@link StatsView} snapshot taken per scrape, so the
 * figures of one scrape are consistent with each other.
 *
 * <p>Latency is a <em>summary</em> per window ({@code window="1s|10s|total"}): the quantiles
 * 0.5/0.9/0.99/0.999 come from the merged HdrHistograms, {@code _count} is the answers matched in
 * the window and {@code _sum} is count × mean (exact to the histograms' 1 % precision). The
 * windowed series are not monotonic (they are windows); use {@code window="total"} for rates.
 */
public final class PrometheusMetrics {
    /** {@code text/plain; version=0.0.4; charset=utf-8}. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final StatsView stats;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private Stats current = Stats.getDefaultInstance(); // guarded by this; set for one scrape

    public PrometheusMetrics(StatsView stats) {
        this.stats = requireNonNull(stats, "stats");
        register();
    }

    /** One scrape in the Prometheus text exposition format (UTF-8). */
    public synchronized byte[] scrape() {
        current = stats.snapshot();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
            writer.write(out, registry.scrape());
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        } finally {
            current = Stats.getDefaultInstance();
        }
    }

    private void register() {
        registerAnalytics();
        counter("foo_messages_total", "Foo messages seen by the frontends, by type (req client->server, ack/nak server->client).",
                c -> {
                    Stats s = current;
                    c.call(unsigned(s.getMsgReq()), "req");
                    c.call(unsigned(s.getMsgAck()), "ack");
                    c.call(unsigned(s.getMsgNak()), "nak");
                }, "type");
        counter("foo_invalid_lines_total", "Complete lines that were not a valid Foo message for their direction.",
                c -> c.call(unsigned(current.getMsgInvalid())));
        counter("foo_oversized_lines_total", "Lines longer than the sniffer's limit.",
                c -> c.call(unsigned(current.getMsgOversized())));
        counter("foo_connections_total", "Client connections accepted by the frontends.",
                c -> c.call(unsigned(current.getConnectionsTotal())));
        counter("foo_bytes_total", "Bytes relayed by the frontends, by direction.",
                c -> {
                    Stats s = current;
                    c.call(unsigned(s.getBytesClientToServer()), "client_to_server");
                    c.call(unsigned(s.getBytesServerToClient()), "server_to_client");
                }, "direction");
        counter("foo_upstream_connect_failures_total", "Client connections closed because the upstream could not be reached.",
                c -> c.call(unsigned(current.getUpstreamConnectFailures())));

        gauge("foo_request_rate", "REQ messages per second over the window, by frontend timestamp.",
                g -> {
                    Stats s = current;
                    g.call(s.getRequestRate1S(), "1s");
                    g.call(s.getRequestRate10S(), "10s");
                }, "window");
        gauge("foo_response_rate", "ACK+NAK messages per second over the window, by frontend timestamp.",
                g -> {
                    Stats s = current;
                    g.call(s.getResponseRate1S(), "1s");
                    g.call(s.getResponseRate10S(), "10s");
                }, "window");
        gauge("foo_connections_active", "Client connections open now on the connected frontends.",
                g -> g.call(unsigned(current.getConnectionsActive())));
        gauge("foo_uptime_seconds", "Seconds since the backend started.",
                g -> g.call(current.getUptimeSeconds()));

        gauge("foo_frontend_connected", "1 while the frontend's telemetry stream is open, else 0.",
                g -> current.getFrontendsList().forEach(f -> g.call(f.getConnected() ? 1 : 0, f.getFrontendId())),
                "frontend");
        counter("foo_frontend_messages_total", "Foo messages seen by one frontend, by type.",
                c -> current.getFrontendsList().forEach(f -> {
                    c.call(unsigned(f.getMsgReq()), f.getFrontendId(), "req");
                    c.call(unsigned(f.getMsgAck()), f.getFrontendId(), "ack");
                    c.call(unsigned(f.getMsgNak()), f.getFrontendId(), "nak");
                }), "frontend", "type");
        perFrontendCounter("foo_frontend_invalid_lines_total", "Invalid lines seen by one frontend.",
                FrontendStats::getMsgInvalid);
        perFrontendCounter("foo_frontend_connections_total", "Client connections accepted by one frontend.",
                FrontendStats::getConnectionsTotal);
        perFrontendGauge("foo_frontend_connections_active", "Client connections open now on one frontend.",
                FrontendStats::getConnectionsActive);
        perFrontendCounter("foo_frontend_batches_applied_total", "Telemetry batches from one frontend applied.",
                FrontendStats::getBatchesApplied);
        perFrontendCounter("foo_frontend_batches_duplicate_total",
                "Resent telemetry batches from one frontend recognised and not counted again.",
                FrontendStats::getBatchesDuplicate);
        perFrontendGauge("foo_frontend_buffered_buckets", "Time buckets one frontend holds unacknowledged.",
                FrontendStats::getBufferedBuckets);
        gauge("foo_frontend_last_seen_timestamp_seconds", "When the last telemetry batch of one frontend arrived (unix seconds).",
                g -> current.getFrontendsList().forEach(f -> g.call(f.getLastSeenUnixMillis() / 1000.0, f.getFrontendId())),
                "frontend");
    }

    private void registerAnalytics() {
        SummaryWithCallback.builder().name("foo_upstream_latency_seconds")
                .help("Upstream service time (REQ passing the proxy to its ACK/NAK passing back), by window.")
                .labelNames("window")
                .callback(c -> {
                    Stats s = current;
                    latency(c, s.getAnalytics().getLatency1S(), "1s");
                    latency(c, s.getAnalytics().getLatency10S(), "10s");
                    latency(c, s.getAnalytics().getLatencyTotal(), "total");
                })
                .register(registry);
        gauge("foo_upstream_latency_max_seconds", "The longest upstream service time in the window.",
                g -> {
                    Stats s = current;
                    g.call(s.getAnalytics().getLatency1S().getMaxUs() / 1e6, "1s");
                    g.call(s.getAnalytics().getLatency10S().getMaxUs() / 1e6, "10s");
                    g.call(s.getAnalytics().getLatencyTotal().getMaxUs() / 1e6, "total");
                }, "window");
        gauge("foo_in_flight_requests", "REQs waiting for their answer now, over the connected frontends.",
                g -> g.call(unsigned(current.getAnalytics().getInFlightRequests())));
        gauge("foo_oldest_in_flight_age_seconds", "How long the oldest REQ still waiting has waited.",
                g -> g.call(unsigned(current.getAnalytics().getOldestInFlightAgeMillis()) / 1000.0));
        gauge("foo_nak_ratio", "NAK / (ACK + NAK) over the window; 0 without answers.",
                g -> {
                    Stats s = current;
                    g.call(s.getAnalytics().getNakRatio1S(), "1s");
                    g.call(s.getAnalytics().getNakRatio10S(), "10s");
                }, "window");
        counter("foo_protocol_violations_total", "Protocol violations and bookkeeping events, by kind, each counted once.",
                c -> {
                    ProtocolViolations v = current.getAnalytics().getViolations();
                    c.call(unsigned(v.getUnknownSeqAnswers()), "unknown_seq_answers");
                    c.call(unsigned(v.getDuplicateAnswers()), "duplicate_answers");
                    c.call(unsigned(v.getNonSequentialRequests()), "non_sequential_requests");
                    c.call(unsigned(v.getOutOfOrderAnswers()), "out_of_order_answers");
                    c.call(unsigned(v.getRequestsFromServer()), "requests_from_server");
                    c.call(unsigned(v.getAnswersFromClient()), "answers_from_client");
                    c.call(unsigned(v.getOutstandingOverflow()), "outstanding_overflow");
                    c.call(unsigned(v.getUnansweredRequests()), "unanswered_requests");
                    c.call(unsigned(v.getUntrackedAnswers()), "untracked_answers");
                }, "kind");
        SummaryWithCallback.builder().name("foo_connection_duration_seconds")
                .help("How long closed client connections lasted, since the numbers began.")
                .callback(c -> distribution(c, current.getAnalytics().getConnectionDurationMillis(), 1e-3))
                .register(registry);
        SummaryWithCallback.builder().name("foo_messages_per_connection")
                .help("Messages (REQ + ACK + NAK) seen on each closed client connection, since the numbers began.")
                .callback(c -> distribution(c, current.getAnalytics().getMessagesPerConnection(), 1))
                .register(registry);
        gauge("foo_consumption_cycle_messages", "Messages of every client in the current consumption cycle (exact).",
                g -> g.call(unsigned(current.getAnalytics().getConsumption().getTotalMessages())));
        gauge("foo_consumption_cycle_bytes", "Bytes of every client in the current consumption cycle (exact).",
                g -> g.call(unsigned(current.getAnalytics().getConsumption().getTotalBytes())));
        gauge("foo_consumption_tracked_clients", "Client addresses in the top-K consumption table.",
                g -> g.call(unsigned(current.getAnalytics().getConsumption().getTrackedClients())));
        // bounded by top-consumers: only the entries the stats show
        gauge("foo_consumer_messages", "Messages of a top consumer in the current cycle (may overstate by at most "
                        + "foo_consumer_max_overcount_messages).",
                g -> current.getAnalytics().getConsumption().getTopList()
                        .forEach(e -> g.call(unsigned(e.getMessages()), e.getAddress())), "address");
        gauge("foo_consumer_bytes", "Bytes of a top consumer in the current cycle.",
                g -> current.getAnalytics().getConsumption().getTopList()
                        .forEach(e -> g.call(unsigned(e.getBytes()), e.getAddress())), "address");
        gauge("foo_consumer_max_overcount_messages", "Space-Saving error bound of a top consumer's messages.",
                g -> current.getAnalytics().getConsumption().getTopList()
                        .forEach(e -> g.call(unsigned(e.getMaxOvercountMessages()), e.getAddress())), "address");
        gauge("foo_frontend_in_flight_requests", "REQs waiting for their answer now on one frontend.",
                g -> current.getFrontendsList().forEach(
                        f -> g.call(unsigned(f.getAnalytics().getInFlightRequests()), f.getFrontendId())),
                "frontend");
    }

    private static void latency(SummaryWithCallback.Callback c, Latency l, String window) {
        c.call(l.getCount(), l.getCount() * l.getMeanUs() / 1e6, Quantiles.of(
                new Quantile(0.5, l.getP50Us() / 1e6),
                new Quantile(0.9, l.getP90Us() / 1e6),
                new Quantile(0.99, l.getP99Us() / 1e6),
                new Quantile(0.999, l.getP999Us() / 1e6)), window);
    }

    private static void distribution(SummaryWithCallback.Callback c, Distribution d, double scale) {
        c.call(d.getCount(), d.getCount() * d.getMean() * scale, Quantiles.of(
                new Quantile(0.5, d.getP50() * scale),
                new Quantile(0.99, d.getP99() * scale)));
    }

    private void perFrontendCounter(String name, String help, ToLongFunction<FrontendStats> value) {
        counter(name, help, c -> current.getFrontendsList().forEach(
                f -> c.call(unsigned(value.applyAsLong(f)), f.getFrontendId())), "frontend");
    }

    private void perFrontendGauge(String name, String help, ToLongFunction<FrontendStats> value) {
        gauge(name, help, g -> current.getFrontendsList().forEach(
                f -> g.call(unsigned(value.applyAsLong(f)), f.getFrontendId())), "frontend");
    }

    private void counter(String name, String help, Consumer<CounterWithCallback.Callback> callback, String... labels) {
        CounterWithCallback.builder().name(name).help(help).labelNames(labels).callback(callback).register(registry);
    }

    private void gauge(String name, String help, Consumer<GaugeWithCallback.Callback> callback, String... labels) {
        GaugeWithCallback.builder().name(name).help(help).labelNames(labels).callback(callback).register(registry);
    }

    /** proto uint64 arrives as a signed long; read it unsigned so a huge count never goes negative. */
    static double unsigned(long value) {
        return value >= 0 ? value : (double) (value >>> 1) * 2.0 + (value & 1);
    }
}
