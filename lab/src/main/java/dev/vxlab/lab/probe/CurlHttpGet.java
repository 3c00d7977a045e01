package dev.vxlab.lab.probe;

import dev.vxlab.detectors.remote.CommandResult;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link Probe.HttpGet} on a remote with curl: the whole body to /dev/null, {@code -v} on stderr for how far the
 * exchange got (connected, response head, Content-Length) and {@code -w} for the status and byte count. Classified
 * like {@link HttpGetRunner}: a body that stops short of Content-Length is SHORT_BODY, not TIMEOUT.
 */
final class CurlHttpGet {
    /** curl turns the backslash-n into a newline itself. */
    static final String WRITE_OUT = "vxlab-probe status=%{http_code} bytes=%{size_download}\\n";

    private static final Pattern WRITTEN = Pattern.compile("vxlab-probe status=(\\d{3}) bytes=(\\d+)");
    private static final Pattern STATUS_LINE = Pattern.compile("^< HTTP/1\\.\\d (\\d{3})");
    private static final Pattern CONTENT_LENGTH = Pattern.compile("^< content-length:\\s*(\\d+)", Pattern.CASE_INSENSITIVE);
    /** "* connect to 10.9.0.2 port 81 failed: Connection refused", "* Immediate connect fail for 10.9.0.2: No route to host". */
    private static final Pattern CONNECT_FAILED = Pattern.compile(
            "^\\* (?:connect to .* failed|Immediate connect fail for [^:]+): (.+)$");
    private static final Pattern CURL_ERROR = Pattern.compile("^curl: \\((\\d+)\\) (.*)$");

    private CurlHttpGet() {}

    static List<String> command(Probe.HttpGet probe, Duration budget) {
        return List.of("curl", "-sS", "-v", "--http1.1", "--noproxy", "*", "-o", "/dev/null",
                "--max-time", ClientOutput.seconds(budget), "-H", "User-Agent: vxlab-probe", "-H", "Connection: close",
                "-w", WRITE_OUT, "http://" + probe.dst() + ":" + probe.port() + probe.path());
    }

    /** How far the exchange got, read from curl's -v and -w output. */
    private record Progress(boolean connected, int status, long contentLength, long bytes) {
        boolean headArrived() {
            return status > 0;
        }
    }

    static Observation classify(CommandResult result, Duration budget) {
        Progress seen = progress(result);
        String budgetText = ClientOutput.budgetText(budget);
        return switch (result.exitCode()) {
            case 0 -> complete(seen);
            case 7 -> connectFailed(result.stderr()).map(words -> SocketErrors.classify(words, true))
                    .orElseGet(() -> unexpected(result));
            case 28, 124 -> seen.headArrived()
                    ? shortBody(seen, "then nothing until the " + budgetText + " deadline", ProbeOutcome.TIMEOUT)
                    : Observation.of(ProbeOutcome.TIMEOUT, seen.connected()
                            ? "connected, but no response within " + budgetText
                            : "no TCP connection within " + budgetText);
            case 18 -> shortBody(seen, "then EOF", ProbeOutcome.ERROR);
            case 52 -> Observation.of(ProbeOutcome.ERROR, "connection closed without a response");
            case 8 -> Observation.of(ProbeOutcome.ERROR, "not an HTTP/1.x response");
            case 55, 56 -> {
                // "Recv failure: Connection reset by peer", "Send failure: Broken pipe"
                String words = curlMessage(result.stderr()).replaceFirst("^(Recv|Send) failure: ", "");
                yield seen.headArrived() ? shortBody(seen, "then " + words, ProbeOutcome.ERROR)
                        : SocketErrors.classify(words, !seen.connected());
            }
            default -> unexpected(result);
        };
    }

    private static Progress progress(CommandResult result) {
        boolean connected = false;
        int status = 0;
        long contentLength = -1;
        for (String line : result.stderr().lines().toList()) {
            if (line.startsWith("* Connected to ")) {
                connected = true;
            }
            Matcher m = STATUS_LINE.matcher(line);
            if (m.find()) {
                status = Integer.parseInt(m.group(1));
                contentLength = -1; // a 100 Continue's head is followed by the real one
            }
            m = CONTENT_LENGTH.matcher(line);
            if (m.find()) {
                contentLength = Long.parseLong(m.group(1));
            }
        }
        Matcher written = WRITTEN.matcher(result.stdout());
        long bytes = written.find() ? Long.parseLong(written.group(2)) : 0;
        return new Progress(connected || status > 0, status, contentLength, bytes);
    }

    private static Observation complete(Progress seen) {
        if (!seen.headArrived()) {
            return Observation.of(ProbeOutcome.ERROR, "curl succeeded but printed no response head");
        }
        if (seen.contentLength() >= 0 && seen.bytes() < seen.contentLength()) {
            return shortBody(seen, "then EOF", ProbeOutcome.ERROR);
        }
        Evidence evidence = new Evidence.Http(seen.status(), seen.contentLength(), seen.bytes());
        String detail = "HTTP " + seen.status() + ", " + seen.bytes() + " bytes";
        return seen.status() >= 200 && seen.status() < 400 ? Observation.ok(detail, evidence)
                : new Observation(ProbeOutcome.ERROR, detail, evidence);
    }

    /** The body stopped early; without a Content-Length nobody can say it was short. */
    private static Observation shortBody(Progress seen, String how, ProbeOutcome withoutLength) {
        if (!seen.headArrived()) {
            return Observation.of(ProbeOutcome.ERROR, "connection closed in the middle of the response head");
        }
        Evidence evidence = new Evidence.Http(seen.status(), seen.contentLength(), seen.bytes());
        if (seen.contentLength() < 0) {
            return new Observation(withoutLength,
                    "HTTP " + seen.status() + " without Content-Length, " + seen.bytes() + " bytes, " + how, evidence);
        }
        return new Observation(ProbeOutcome.SHORT_BODY, "HTTP " + seen.status() + ", " + seen.bytes() + " of "
                + seen.contentLength() + " bytes, " + how, evidence);
    }

    /** The kernel's words for a failed connect, from -v; older curls put them in the final message instead. */
    private static Optional<String> connectFailed(String stderr) {
        for (String line : stderr.lines().toList()) {
            Matcher m = CONNECT_FAILED.matcher(line);
            if (m.find()) {
                return Optional.of(m.group(1).strip());
            }
        }
        String message = curlMessage(stderr);
        int colon = message.lastIndexOf(": ");
        String words = colon < 0 ? "" : message.substring(colon + 2).strip();
        return words.isEmpty() || words.toLowerCase(Locale.ROOT).startsWith("couldn't connect") ? Optional.empty()
                : Optional.of(words);
    }

    /** curl's own one-line error: "Recv failure: Connection reset by peer" from "curl: (56) Recv failure: ...". */
    private static String curlMessage(String stderr) {
        return stderr.lines().map(CURL_ERROR::matcher).filter(Matcher::find).map(m -> m.group(2).strip())
                .reduce((a, b) -> b).orElse(ClientOutput.lastLine(stderr));
    }

    private static Observation unexpected(CommandResult result) {
        return Observation.of(ProbeOutcome.ERROR, "curl exited " + result.exitCode() + ": " + curlMessage(result.stderr()));
    }
}
