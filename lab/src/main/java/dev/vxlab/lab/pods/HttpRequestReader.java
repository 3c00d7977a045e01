package dev.vxlab.lab.pods;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Reads request heads off one connection; bytes after a head (pipelined requests) stay buffered for the next. */
final class HttpRequestReader {
    static final int MAX_HEAD = 16 * 1024;

    /** The request is not HTTP/1.x we understand; the server answers 400 and closes. */
    static final class BadRequestException extends IOException {
        BadRequestException(String message) {
            super(message);
        }
    }

    private final SocketChannel connection;
    private final ByteBuffer buffer = ByteBuffer.allocate(MAX_HEAD);

    HttpRequestReader(SocketChannel connection) {
        this.connection = connection;
    }

    /** The next request head, or empty when the client closed cleanly between requests. */
    Optional<HttpRequestHead> next() throws IOException {
        int end;
        while ((end = headEnd()) < 0) {
            if (!buffer.hasRemaining()) {
                throw new BadRequestException("request head longer than " + MAX_HEAD + " bytes");
            }
            if (connection.read(buffer) < 0) {
                if (buffer.position() == 0) {
                    return Optional.empty();
                }
                throw new EOFException("client closed in the middle of a request head");
            }
        }
        String head = new String(buffer.array(), 0, end, StandardCharsets.ISO_8859_1);
        consume(end + 4);
        HttpRequestHead request = parse(head);
        skipBody(request.contentLength());
        return Optional.of(request);
    }

    /** Where the blank line ending the head starts, or -1 when it has not arrived yet. */
    private int headEnd() {
        byte[] bytes = buffer.array();
        for (int i = 0; i + 3 < buffer.position(); i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void consume(int bytes) {
        buffer.flip().position(bytes);
        buffer.compact();
    }

    /** GET and HEAD carry no body, but a client may still send one; it must not be mistaken for the next request. */
    private void skipBody(long length) throws IOException {
        if (length < 0) {
            throw new BadRequestException("malformed Content-Length");
        }
        long left = length;
        while (left > 0) {
            if (buffer.position() == 0 && connection.read(buffer) < 0) {
                throw new EOFException("client closed in the middle of a request body");
            }
            int take = (int) Math.min(left, buffer.position());
            consume(take);
            left -= take;
        }
    }

    private static HttpRequestHead parse(String head) throws BadRequestException {
        String[] lines = head.split("\r\n");
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
            throw new BadRequestException("not an HTTP/1.x request line: " + lines[0]);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                throw new BadRequestException("malformed header line: " + lines[i]);
            }
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        return new HttpRequestHead(requestLine[0], requestLine[1], requestLine[2], headers);
    }
}
