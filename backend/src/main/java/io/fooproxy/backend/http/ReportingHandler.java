package io.fooproxy.backend.http;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.fooproxy.backend.BackendHealth;
import io.fooproxy.backend.HealthReport;
import io.fooproxy.backend.metrics.PrometheusMetrics;
import io.fooproxy.backend.stats.StatsView;
import io.fooproxy.proto.json.StatsJson;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes the reporting paths; every response is small, has a length and never a stack trace. */
final class ReportingHandler implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(ReportingHandler.class);

    static final String JSON = "application/json; charset=utf-8";
    static final String TEXT = "text/plain; charset=utf-8";
    static final String HTML = "text/html; charset=utf-8";
    static final String ALLOW = "GET, HEAD";

    private static final String INDEX = """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>foo-proxy backend</title></head>
            <body><h1>foo-proxy backend</h1>
            <ul>
            <li><a href="/stats">/stats</a> &ndash; the statistics (JSON)</li>
            <li><a href="/metrics">/metrics</a> &ndash; Prometheus metrics</li>
            <li><a href="/health">/health</a> &ndash; health (200 serving, 503 not)</li>
            <li><a href="/status">/status</a> &ndash; health, version, listeners, frontends</li>
            </ul>
            <pre id="stats"></pre>
            <script>
            async function refresh() {
              try { document.getElementById('stats').textContent =
                      JSON.stringify(await (await fetch('/stats')).json(), null, 2); } catch (e) {}
            }
            refresh(); setInterval(refresh, 1000);
            </script>
            </body></html>
            """;

    private record Response(int code, String contentType, byte[] body) {
        static Response of(int code, String contentType, String body) {
            return new Response(code, contentType, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    private final StatsView stats;
    private final BackendHealth health;
    private final PrometheusMetrics metrics;
    private final StatusInfo info;
    private final Map<String, Supplier<Response>> routes;

    ReportingHandler(StatsView stats, BackendHealth health, PrometheusMetrics metrics, StatusInfo info) {
        this.stats = requireNonNull(stats, "stats");
        this.health = requireNonNull(health, "health");
        this.metrics = requireNonNull(metrics, "metrics");
        this.info = requireNonNull(info, "info");
        this.routes = Map.of(
                "/", () -> Response.of(200, HTML, INDEX),
                "/stats", () -> Response.of(200, JSON, StatsJson.toJson(this.stats.snapshot()) + "\n"),
                "/metrics", () -> new Response(200, PrometheusMetrics.CONTENT_TYPE, this.metrics.scrape()),
                "/health", this::health,
                "/status", this::status);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            boolean head = "HEAD".equals(method);
            String path = exchange.getRequestURI().getPath();
            Supplier<Response> route = path == null ? null : routes.get(path);
            Response response;
            if (route == null) {
                response = Response.of(404, TEXT, "not found\n");
            } else if (!head && !"GET".equals(method)) {
                exchange.getResponseHeaders().set("Allow", ALLOW);
                response = Response.of(405, TEXT, "method not allowed\n");
            } else {
                response = respond(route, exchange);
            }
            send(exchange, response, head);
        }
    }

    private Response respond(Supplier<Response> route, HttpExchange exchange) {
        try {
            return route.get();
        } catch (RuntimeException e) {
            log.warn("HTTP {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
            return Response.of(500, TEXT, "internal error\n");
        }
    }

    private Response health() {
        HealthReport report = health.report();
        return Response.of(report.serving() ? 200 : 503, JSON, HealthDocuments.health(report));
    }

    private Response status() {
        HealthReport report = health.report();
        return Response.of(report.serving() ? 200 : 503, JSON, HealthDocuments.status(report, info, stats.snapshot()));
    }

    private static void send(HttpExchange exchange, Response response, boolean head) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        if (head) {
            // a HEAD answer carries the length the GET body would have, and no body
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(response.body().length));
            exchange.sendResponseHeaders(response.code(), -1);
            return;
        }
        exchange.sendResponseHeaders(response.code(), response.body().length);
        try (OutputStream body = exchange.getResponseBody()) {
            body.write(response.body());
        }
    }
}
