package dev.vxlab.lab.probe;

import dev.vxlab.detectors.netns.NetnsExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Runs {@link Probe.HttpGet} the way {@code curl} would: one GET with {@code Connection: close}, then the whole
 * body. Once the response head has arrived, a body that stops short of Content-Length (EOF, reset, or nothing more
 * before the deadline) is SHORT_BODY, not TIMEOUT: that is the signature of large packets being lost on the path.
 */
final class HttpGetRunner {
    private static final int MAX_HEAD = 64 * 1024;

    private enum Phase { CONNECT, REQUEST, HEAD, BODY }

    private HttpGetRunner() {}

    /** The parsed status line and Content-Length (-1 when absent). */
    private record Head(int status, long contentLength) {}

    static Observation run(Probe.HttpGet probe, NetnsExecutor netns, Deadline deadline) {
        Phase phase = Phase.CONNECT;
        Head head = null;
        long bodyRead = 0;
        try (TimedChannel channel = TimedChannel.of(NamespaceSockets.tcp(netns), deadline)) {
            channel.connect(new InetSocketAddress(probe.dst().toInetAddress(), probe.port()));
            phase = Phase.REQUEST;
            channel.writeFully(ByteBuffer.wrap(request(probe).getBytes(StandardCharsets.ISO_8859_1)));
            phase = Phase.HEAD;
            ByteBuffer buffer = ByteBuffer.allocate(MAX_HEAD);
            int headEnd = readHead(channel, buffer);
            if (headEnd < 0) {
                return Observation.of(ProbeOutcome.ERROR,
                        buffer.position() == 0 ? "connection closed without a response"
                                : "connection closed in the middle of the response head");
            }
            head = parseHead(new String(buffer.array(), 0, headEnd, StandardCharsets.ISO_8859_1));
            if (head == null) {
                return Observation.of(ProbeOutcome.ERROR, "not an HTTP/1.x response");
            }
            phase = Phase.BODY;
            bodyRead = buffer.position() - (headEnd + 4);
            while (head.contentLength() < 0 || bodyRead < head.contentLength()) {
                buffer.clear();
                int n = channel.read(buffer);
                if (n < 0) {
                    break;
                }
                bodyRead += n;
            }
            return complete(head, bodyRead);
        } catch (DeadlineExceededException e) {
            return switch (phase) {
                case CONNECT -> Observation.of(ProbeOutcome.TIMEOUT, "no TCP connection within " + deadline.budgetText());
                case REQUEST, HEAD -> Observation.of(ProbeOutcome.TIMEOUT,
                        "connected, but no response within " + deadline.budgetText());
                case BODY -> shortBody(head, bodyRead, "then nothing until the " + deadline.budgetText() + " deadline",
                        ProbeOutcome.TIMEOUT);
            };
        } catch (IOException e) {
            return phase == Phase.BODY ? shortBody(head, bodyRead, "then " + e.getMessage(), ProbeOutcome.ERROR)
                    : SocketErrors.classify(e, phase == Phase.CONNECT);
        }
    }

    private static String request(Probe.HttpGet probe) {
        return "GET " + probe.path() + " HTTP/1.1\r\n"
                + "Host: " + probe.dst() + ":" + probe.port() + "\r\n"
                + "User-Agent: vxlab-probe\r\n"
                + "Accept: */*\r\n"
                + "Connection: close\r\n"
                + "\r\n";
    }

    /** Reads until the blank line; returns where it starts, or -1 at EOF before it. */
    private static int readHead(TimedChannel channel, ByteBuffer buffer) throws IOException {
        int scanned = 0;
        while (true) {
            byte[] bytes = buffer.array();
            for (int i = Math.max(0, scanned - 3); i + 3 < buffer.position(); i++) {
                if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                    return i;
                }
            }
            scanned = buffer.position();
            if (!buffer.hasRemaining()) {
                throw new IOException("response head longer than " + MAX_HEAD + " bytes");
            }
            if (channel.read(buffer) < 0) {
                return -1;
            }
        }
    }

    /** Null when the status line is not HTTP/1.x. */
    private static Head parseHead(String text) {
        String[] lines = text.split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.") || !status[1].matches("\\d{3}")) {
            return null;
        }
        long contentLength = -1;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                try {
                    contentLength = Long.parseLong(lines[i].substring(colon + 1).trim());
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return new Head(Integer.parseInt(status[1]), contentLength);
    }

    private static Observation complete(Head head, long bodyRead) {
        if (head.contentLength() >= 0 && bodyRead < head.contentLength()) {
            return shortBody(head, bodyRead, "then EOF", ProbeOutcome.ERROR);
        }
        Evidence evidence = new Evidence.Http(head.status(), head.contentLength(), bodyRead);
        String detail = "HTTP " + head.status() + ", " + bodyRead + " bytes";
        return head.status() >= 200 && head.status() < 400 ? Observation.ok(detail, evidence)
                : new Observation(ProbeOutcome.ERROR, detail, evidence);
    }

    /** The body stopped early; without a Content-Length nobody can say it was short, so then it is a TIMEOUT. */
    private static Observation shortBody(Head head, long bodyRead, String how, ProbeOutcome withoutLength) {
        Evidence evidence = new Evidence.Http(head.status(), head.contentLength(), bodyRead);
        if (head.contentLength() < 0) {
            return new Observation(withoutLength,
                    "HTTP " + head.status() + " without Content-Length, " + bodyRead + " bytes, " + how, evidence);
        }
        return new Observation(ProbeOutcome.SHORT_BODY,
                "HTTP " + head.status() + ", " + bodyRead + " of " + head.contentLength() + " bytes, " + how, evidence);
    }
}
