package dev.vxlab.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent's HTTP server, spoken to byte by byte as clients speak it: keep-alive, close, errors, limits. */
class QuietHttpServerTest {
    private QuietHttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = QuietHttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Map.of(
                "/hello", (request, response) -> {
                    response.header("Content-Type", "text/plain");
                    response.body().write(("hello " + request.query() + " "
                            + request.headers().getOrDefault("x-name", List.of("?")).getFirst() + "\n")
                            .getBytes(StandardCharsets.UTF_8));
                },
                "/fails", (request, response) -> {
                    throw new IllegalStateException("boom");
                }));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort());
        s.setSoTimeout(10_000);
        return s;
    }

    /** One response: the status line, the headers, and the body read by its Content-Length (none after a HEAD). */
    private static String response(InputStream in) throws IOException {
        return response(in, false);
    }

    private static String response(InputStream in, boolean toHead) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed inside the headers: " + head);
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        int length = Integer.parseInt(headers.lines().filter(l -> l.startsWith("Content-Length: ")).findFirst()
                .orElseThrow().substring(16));
        return headers + new String(in.readNBytes(toHead ? 0 : length), StandardCharsets.UTF_8);
    }

    @Test
    void aKeptAliveConnectionServesRequestAfterRequest() throws IOException {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write("GET /hello?a=1 HTTP/1.1\r\nHost: x\r\nX-Name: one\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write("GET /hello?b=2 HTTP/1.1\r\nHost: x\r\nX-Name: two\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String first = response(s.getInputStream());
            String second = response(s.getInputStream());
            assertThat(first).startsWith("HTTP/1.1 200 OK\r\n").contains("Content-Type: text/plain\r\n")
                    .endsWith("\r\n\r\nhello a=1 one\n").doesNotContain("Connection: close");
            assertThat(second).startsWith("HTTP/1.1 200 OK\r\n").endsWith("hello b=2 two\n");
        }
    }

    @Test
    void http10AndConnectionCloseEndTheConnection() throws IOException {
        for (String request : List.of("GET /hello HTTP/1.0\r\n\r\n", "GET /hello HTTP/1.1\r\nConnection: close\r\n\r\n")) {
            try (Socket s = connect()) {
                s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                assertThat(response(s.getInputStream())).contains("Connection: close\r\n").endsWith("hello null ?\n");
                assertThat(s.getInputStream().read()).as("closed after the response").isEqualTo(-1);
            }
        }
    }

    @Test
    void errorsAreAnsweredNotThrown() throws IOException {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write("GET /nowhere HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(response(s.getInputStream())).startsWith("HTTP/1.1 404 Not Found");
            out.write("POST /hello HTTP/1.1\r\nContent-Length: 5\r\n\r\nabcde".getBytes(StandardCharsets.US_ASCII));
            assertThat(response(s.getInputStream())).startsWith("HTTP/1.1 405").contains("Allow: GET, HEAD");
            out.write("GET /fails HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(response(s.getInputStream())).startsWith("HTTP/1.1 500").contains("boom");
            out.write("HEAD /hello HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String head = response(s.getInputStream(), true);
            assertThat(head).startsWith("HTTP/1.1 200").endsWith("\r\n\r\n");
            out.write("GET /hello HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(response(s.getInputStream())).as("the body of the HEAD was not sent")
                    .startsWith("HTTP/1.1 200").endsWith("hello null ?\n");
        }
        try (Socket s = connect()) {
            s.getOutputStream().write("nonsense\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(response(s.getInputStream())).startsWith("HTTP/1.1 400").contains("Connection: close");
        }
    }

    @Test
    void connectionsBeyondTheLimitAreRefused() throws IOException {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < QuietHttpServer.MAX_CONNECTIONS; i++) {
                Socket s = connect();
                held.add(s);
                s.getOutputStream().write("GET /hello HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(response(s.getInputStream())).startsWith("HTTP/1.1 200"); // each one is being served
            }
            try (Socket extra = connect()) {
                assertThat(response(extra.getInputStream())).startsWith("HTTP/1.1 503");
            }
            held.removeFirst().close();
            // the freed slot is taken by the next connection once its thread has let it go
            long deadline = System.nanoTime() + 10_000_000_000L;
            String answer;
            do {
                try (Socket next = connect()) {
                    next.getOutputStream().write("GET /hello HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    answer = response(next.getInputStream());
                }
            } while (answer.startsWith("HTTP/1.1 503") && System.nanoTime() < deadline);
            assertThat(answer).startsWith("HTTP/1.1 200");
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
