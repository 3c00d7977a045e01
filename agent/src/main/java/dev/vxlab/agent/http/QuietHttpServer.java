package dev.vxlab.agent.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * A small HTTP/1.1 server for the agent's few GET endpoints that sleeps until a connection or a request comes: one
 * thread blocked in accept(2), one per open connection blocked in read(2) (a scraper keeps one open between scrapes),
 * and no timer of its own. The JDK's HttpServer, which it replaces, wakes its dispatcher every second
 * ({@code ServerImpl}'s {@code select(1000)}, no property changes it): 1 to 5 of an idle agent's 10 or so clock ticks a
 * minute. GET and HEAD only, keep-alive as HTTP/1.1 and 1.0 ask; a connection silent for {@link #IDLE_MILLIS} is closed
 * (its read times out: the kernel's timer, not a thread's); at most {@link #MAX_CONNECTIONS} at once.
 */
final class QuietHttpServer implements AutoCloseable {
    /** Longer than any scrape interval, so a scraper's keep-alive connection stays open between scrapes. */
    static final int IDLE_MILLIS = 120_000;
    static final int MAX_CONNECTIONS = 16;
    private static final int MAX_LINE = 8192;
    private static final int MAX_HEADERS = 100;

    /** A request as the handlers see it: the method, the path, the raw query (or null), headers by lower-case name. */
    record Request(String method, String path, String query, Map<String, List<String>> headers) {}

    /** What a handler writes: the status, headers, and the body into {@link #body()}. */
    static final class Response {
        private int status = 200;
        private final Map<String, String> headers = new java.util.LinkedHashMap<>();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        void status(int code) {
            status = code;
        }

        void header(String name, String value) {
            headers.put(name, value);
        }

        OutputStream body() {
            return body;
        }
    }

    interface Handler {
        void handle(Request request, Response response) throws IOException;
    }

    private final ServerSocket socket;
    private final Map<String, Handler> routes;
    private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private QuietHttpServer(ServerSocket socket, Map<String, Handler> routes) {
        this.socket = socket;
        this.routes = Map.copyOf(routes);
        this.acceptor = Thread.ofPlatform().daemon().name("vxlab-agent-http").unstarted(this::accept);
    }

    /** Listens and serves each path's handler (exact paths; others are 404). */
    static QuietHttpServer start(InetSocketAddress listen, Map<String, Handler> routes) throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(listen, 16);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        QuietHttpServer server = new QuietHttpServer(socket, routes);
        server.acceptor.start();
        return server;
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private void accept() {
        while (!closed) {
            Socket connection;
            try {
                connection = socket.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue; // one failed accept (a reset handshake) does not end the server
            }
            if (!slots.tryAcquire()) {
                refuse(connection);
                continue;
            }
            open.add(connection);
            Thread.ofPlatform().daemon().name("vxlab-agent-http-conn").start(() -> {
                try {
                    serve(connection);
                } finally {
                    open.remove(connection);
                    closeQuietly(connection);
                    slots.release();
                }
            });
        }
    }

    private static void refuse(Socket connection) {
        try (connection) {
            write(connection.getOutputStream(), 503, Map.of("Content-Type", "text/plain; charset=utf-8"),
                    "too many connections\n".getBytes(StandardCharsets.UTF_8), false, true);
        } catch (IOException e) {
            // the client went away; nothing to tell it
        }
    }

    /** Requests on one connection, one after another, until it closes, errs, idles out or asks to close. */
    private void serve(Socket connection) {
        try {
            connection.setSoTimeout(IDLE_MILLIS);
            connection.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(connection.getInputStream());
            OutputStream out = connection.getOutputStream();
            while (!closed) {
                String line = readLine(in);
                if (line == null) {
                    return; // closed between requests
                }
                if (line.isEmpty()) {
                    continue; // a stray CRLF between requests (RFC 9112, 2.2)
                }
                String[] parts = line.split(" ");
                if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
                    write(out, 400, textType(), bytes("bad request line\n"), false, true);
                    return;
                }
                Map<String, List<String>> headers = readHeaders(in);
                if (headers == null) {
                    write(out, 400, textType(), bytes("bad headers\n"), false, true);
                    return;
                }
                boolean keepAlive = keepAlive(parts[2], headers);
                if (!skipBody(in, headers)) {
                    write(out, 400, textType(), bytes("a request body this server cannot read\n"), false, true);
                    return;
                }
                String method = parts[0];
                boolean head = method.equals("HEAD");
                if (!method.equals("GET") && !head) {
                    write(out, 405, Map.of("Content-Type", "text/plain; charset=utf-8", "Allow", "GET, HEAD"),
                            bytes("only GET and HEAD\n"), false, !keepAlive);
                    if (!keepAlive) {
                        return;
                    }
                    continue;
                }
                int q = parts[1].indexOf('?');
                String path = q < 0 ? parts[1] : parts[1].substring(0, q);
                Request request = new Request(method, path, q < 0 ? null : parts[1].substring(q + 1), headers);
                Response response = new Response();
                Handler handler = routes.get(path);
                if (handler == null) {
                    response.status(404);
                    response.header("Content-Type", "text/plain; charset=utf-8");
                    response.body().write(bytes("no such path: " + path + "\n"));
                } else {
                    try {
                        handler.handle(request, response);
                    } catch (RuntimeException | IOException e) {
                        response = new Response();
                        response.status(500);
                        response.header("Content-Type", "text/plain; charset=utf-8");
                        response.body().write(bytes("the handler failed: " + e + "\n"));
                    }
                }
                write(out, response.status, response.headers, response.body.toByteArray(), head, !keepAlive);
                if (!keepAlive) {
                    return;
                }
            }
        } catch (SocketTimeoutException idle) {
            // silent for IDLE_MILLIS: closed by the finally above
        } catch (IOException e) {
            // the client went away or sent what no HTTP client sends
        }
    }

    private static Map<String, String> textType() {
        return Map.of("Content-Type", "text/plain; charset=utf-8");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean keepAlive(String version, Map<String, List<String>> headers) {
        String connection = String.join(",", headers.getOrDefault("connection", List.of())).toLowerCase(Locale.ROOT);
        return version.equals("HTTP/1.1") ? !connection.contains("close") : connection.contains("keep-alive");
    }

    /** Reads a body a GET should not have, so the next request starts where it should; false if it cannot. */
    private static boolean skipBody(InputStream in, Map<String, List<String>> headers) throws IOException {
        if (headers.containsKey("transfer-encoding")) {
            return false;
        }
        List<String> length = headers.get("content-length");
        if (length == null) {
            return true;
        }
        long n;
        try {
            n = Long.parseLong(length.getFirst().strip());
        } catch (NumberFormatException e) {
            return false;
        }
        if (n < 0 || n > 1 << 20) {
            return false;
        }
        in.skipNBytes(n);
        return true;
    }

    private static Map<String, List<String>> readHeaders(InputStream in) throws IOException {
        Map<String, List<String>> headers = new java.util.HashMap<>();
        for (int i = 0; i <= MAX_HEADERS; i++) {
            String line = readLine(in);
            if (line == null) {
                throw new IOException("the connection closed inside a request's headers");
            }
            if (line.isEmpty()) {
                return headers;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                return null;
            }
            headers.computeIfAbsent(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).strip());
        }
        return null;
    }

    /** One CRLF- (or LF-) terminated line in ISO-8859-1, null at the end of the stream before any byte. */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (line.isEmpty()) {
                    return null;
                }
                throw new IOException("the connection closed inside a line");
            }
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            if (line.length() >= MAX_LINE) {
                throw new IOException("a line longer than " + MAX_LINE + " bytes");
            }
            line.append((char) b);
        }
    }

    private static void write(OutputStream out, int status, Map<String, String> headers, byte[] body, boolean head,
            boolean close) throws IOException {
        StringBuilder h = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status))
                .append("\r\n");
        for (Map.Entry<String, String> e : headers.entrySet()) {
            h.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n");
        }
        h.append("Content-Length: ").append(body.length).append("\r\n");
        if (close) {
            h.append("Connection: close\r\n");
        }
        h.append("\r\n");
        out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!head) {
            out.write(body);
        }
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 406 -> "Not Acceptable";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status " + status;
        };
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
        for (Socket s : open) {
            closeQuietly(s); // wakes each connection's blocked read
        }
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
