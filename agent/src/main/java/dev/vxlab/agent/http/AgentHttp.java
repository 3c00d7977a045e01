package dev.vxlab.agent.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code /metrics} (Prometheus's text format, through the client's own handler), {@code /healthz} (the process
 * answers), {@code /readyz} (200 once the Node informer synced and the first pass ran, else 503) and {@code /cluster}
 * (the cluster view from this node's vantage as JSON, 503 before the first), on the JDK's HTTP server with one
 * thread: a scrape every few seconds needs no more.
 */
public final class AgentHttp implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private AgentHttp(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static AgentHttp start(InetSocketAddress listen, PrometheusRegistry registry, BooleanSupplier ready,
            Supplier<Optional<String>> clusterJson) throws IOException {
        HttpServer server = HttpServer.create(listen, 16);
        server.createContext("/metrics", new MetricsHandler(registry));
        server.createContext("/healthz", exchange -> text(exchange, 200, "ok\n"));
        server.createContext("/readyz", exchange -> {
            boolean ok = ready.getAsBoolean();
            text(exchange, ok ? 200 : 503, ok ? "ready\n" : "not ready: the Node informer has not synced or the first "
                    + "pass has not run\n");
        });
        server.createContext("/cluster", exchange -> {
            Optional<String> json = clusterJson.get();
            if (json.isPresent()) {
                send(exchange, 200, "application/json", json.get() + "\n");
            } else {
                text(exchange, 503, "no cluster view yet: the first pass has not been correlated\n");
            }
        });
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vxlab-agent-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        return new AgentHttp(server, executor);
    }

    private static void text(HttpExchange exchange, int status, String body) throws IOException {
        send(exchange, status, "text/plain", body);
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Where it listens (the port chosen when 0 was asked). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
