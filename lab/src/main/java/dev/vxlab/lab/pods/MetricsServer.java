package dev.vxlab.lab.pods;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.netns.NetnsExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * A stand-in for CoreDNS's Prometheus endpoint (:9153) inside a pod's network namespace: HTTP/1.1 with keep-alive,
 * {@code GET} and {@code HEAD} on {@code /metrics} and {@code /}, 404 elsewhere. The body is deterministic and
 * exactly {@link #FIELD_BODY_LENGTH} bytes, the Content-Length seen in the field.
 */
public final class MetricsServer implements AutoCloseable {
    public static final int PORT = 9153;
    public static final int FIELD_BODY_LENGTH = 19491;
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final byte[] BODY = MetricsBody.ofLength(FIELD_BODY_LENGTH);

    /** The field's metrics body, for backends that serve it with a server of their own (a VM's busybox httpd). */
    public static byte[] fieldBody() {
        return BODY.clone();
    }

    private final TcpAcceptor acceptor;

    private MetricsServer(ServerSocketChannel listener) throws IOException {
        this.acceptor = TcpAcceptor.start("metrics-http", listener, MetricsServer::serve);
    }

    /** Starts on port 9153 of {@code bind} (the pod IP, or 0.0.0.0) inside the namespace. */
    public static MetricsServer start(NetnsExecutor netns, Ipv4 bind) throws IOException {
        return start(netns, bind, PORT);
    }

    public static MetricsServer start(NetnsExecutor netns, Ipv4 bind, int port) throws IOException {
        return new MetricsServer(InNamespace.listenTcp(netns, bind, port));
    }

    public InetSocketAddress address() {
        return acceptor.address();
    }

    /** The body served on {@code /metrics}: always the same {@value #FIELD_BODY_LENGTH} bytes. */
    public static byte[] body() {
        return BODY.clone();
    }

    private static void serve(SocketChannel connection) throws IOException {
        HttpRequestReader reader = new HttpRequestReader(connection);
        while (true) {
            Optional<HttpRequestHead> next;
            try {
                next = reader.next();
            } catch (HttpRequestReader.BadRequestException e) {
                send(connection, "400 Bad Request", "text/plain; charset=utf-8", (e.getMessage() + "\n").getBytes(
                        StandardCharsets.UTF_8), true, false);
                return;
            }
            if (next.isEmpty()) {
                return;
            }
            HttpRequestHead request = next.get();
            boolean head = request.method().equals("HEAD");
            boolean close = !request.keepAlive();
            if (!head && !request.method().equals("GET")) {
                send(connection, "405 Method Not Allowed", "text/plain; charset=utf-8",
                        "only GET and HEAD\n".getBytes(StandardCharsets.UTF_8), false, close);
            } else if (request.path().equals("/metrics") || request.path().equals("/")) {
                send(connection, "200 OK", CONTENT_TYPE, BODY, head, close);
            } else {
                send(connection, "404 Not Found", "text/plain; charset=utf-8",
                        "404 page not found\n".getBytes(StandardCharsets.UTF_8), head, close);
            }
            if (close) {
                return;
            }
        }
    }

    /** Head and body in one gathering write, as a buffered server (Go's net/http included) puts them on the wire. */
    private static void send(SocketChannel connection, String status, String contentType, byte[] body,
            boolean headOnly, boolean close) throws IOException {
        String head = "HTTP/1.1 " + status + "\r\n"
                + "Content-Type: " + contentType + "\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)) + "\r\n"
                + (status.startsWith("405") ? "Allow: GET, HEAD\r\n" : "")
                + (close ? "Connection: close\r\n" : "")
                + "\r\n";
        ByteBuffer[] out = {
            ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)),
            ByteBuffer.wrap(headOnly ? new byte[0] : body)
        };
        while (out[1].hasRemaining() || out[0].hasRemaining()) {
            connection.write(out);
        }
    }

    /** Whether the listener is closed and every server thread has ended. */
    boolean stopped() {
        return acceptor.stopped();
    }

    @Override
    public void close() {
        acceptor.close();
    }
}
