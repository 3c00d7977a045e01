package dev.vxlab.agent.http;

import io.prometheus.metrics.exporter.common.PrometheusHttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpRequest;
import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code /metrics} (Prometheus's formats, negotiated and written by the client's own {@link PrometheusScrapeHandler}),
 * {@code /healthz} (the process answers), {@code /readyz} (200 once the Node informer synced and the first pass ran,
 * else 503) and {@code /cluster} (the cluster view from this node's vantage as JSON, 503 before the first), on a
 * {@link QuietHttpServer}: no thread of it wakes between requests.
 */
public final class AgentHttp implements AutoCloseable {
    private final QuietHttpServer server;

    private AgentHttp(QuietHttpServer server) {
        this.server = server;
    }

    public static AgentHttp start(InetSocketAddress listen, PrometheusRegistry registry, BooleanSupplier ready,
            Supplier<Optional<String>> clusterJson) throws IOException {
        PrometheusScrapeHandler scrape = new PrometheusScrapeHandler(registry);
        return new AgentHttp(QuietHttpServer.start(listen, Map.of(
                "/metrics", (request, response) -> scrape.handleRequest(new Exchange(request, response)),
                "/healthz", (request, response) -> text(response, 200, "ok\n"),
                "/readyz", (request, response) -> {
                    boolean ok = ready.getAsBoolean();
                    text(response, ok ? 200 : 503, ok ? "ready\n" : "not ready: the Node informer has not synced or "
                            + "the first pass has not run\n");
                },
                "/cluster", (request, response) -> {
                    Optional<String> json = clusterJson.get();
                    if (json.isPresent()) {
                        send(response, 200, "application/json", json.get() + "\n");
                    } else {
                        text(response, 503, "no cluster view yet: the first pass has not been correlated\n");
                    }
                })));
    }

    private static void text(QuietHttpServer.Response response, int status, String body) throws IOException {
        send(response, status, "text/plain", body);
    }

    private static void send(QuietHttpServer.Response response, int status, String type, String body)
            throws IOException {
        response.status(status);
        response.header("Content-Type", type + "; charset=utf-8");
        response.body().write(body.getBytes(StandardCharsets.UTF_8));
    }

    /** The Prometheus client's view of one request and its response, over the server's. */
    private record Exchange(QuietHttpServer.Request request, QuietHttpServer.Response response)
            implements PrometheusHttpExchange, PrometheusHttpRequest, PrometheusHttpResponse {
        @Override
        public PrometheusHttpRequest getRequest() {
            return this;
        }

        @Override
        public PrometheusHttpResponse getResponse() {
            return this;
        }

        @Override
        public String getQueryString() {
            return request.query();
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return Collections.enumeration(request.headers().getOrDefault(name.toLowerCase(java.util.Locale.ROOT),
                    List.of()));
        }

        @Override
        public String getMethod() {
            return request.method();
        }

        @Override
        public String getRequestPath() {
            return request.path();
        }

        @Override
        public void setHeader(String name, String value) {
            response.header(name, value);
        }

        /** The server sends the length it counts itself, so the handler's is not needed. */
        @Override
        public OutputStream sendHeadersAndGetBody(int statusCode, int contentLength) {
            response.status(statusCode);
            return response.body();
        }

        @Override
        public void handleException(IOException e) throws IOException {
            throw e;
        }

        @Override
        public void handleException(RuntimeException e) {
            throw e;
        }

        @Override
        public void close() {
        }
    }

    /** Where it listens (the port chosen when 0 was asked). */
    public InetSocketAddress address() {
        return server.address();
    }

    @Override
    public void close() {
        server.close();
    }
}
