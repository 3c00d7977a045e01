package dev.vxlab.lab.probe;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.remote.CommandResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link Probe.DnsQuery} on a remote with dig: one try, over UDP or {@code +tcp}, waiting {@code +time} seconds for
 * the answer. dig counts whole seconds only, so a 500 ms budget waits 1 s; coreutils' {@code timeout} is only a
 * guard for a dig that hangs, generous because dig takes a while to start on a busy machine. Classified like
 * {@link DnsQueryRunner}: NOERROR and NXDOMAIN are answers (OK), other rcodes ERROR; dig's words for socket errors
 * become the kernel's.
 */
final class DigDnsQuery {
    private static final Pattern STATUS = Pattern.compile("^;; ->>HEADER<<- .*status: ([A-Z]+)");
    private static final Pattern A_RECORD = Pattern.compile("^\\S+\\s+\\d+\\s+IN\\s+A\\s+(\\d+\\.\\d+\\.\\d+\\.\\d+)\\s*$");
    /** "Connection to X for N failed: timed out.", "UDP setup with X for N failed: host unreachable." */
    private static final Pattern SETUP_FAILED = Pattern.compile("^;; (?:Connection to|UDP setup with) .* failed: (.+?)\\.?$");
    /** ";; communications error to 10.9.0.2#5399: connection refused" (after the query went out). */
    private static final Pattern EXCHANGE_FAILED = Pattern.compile("^;; communications error to \\S+: (.+?)\\.?$");
    /** BIND's result texts for the errno values that matter, as the kernel words them (EINVAL reads "invalid file"). */
    private static final Map<String, String> KERNEL_WORDS = Map.of(
            "connection refused", "Connection refused",
            "host unreachable", "No route to host",
            "network unreachable", "Network is unreachable",
            "invalid file", "Invalid argument",
            "permission denied", "Permission denied",
            "connection reset", "Connection reset by peer");

    /** How much longer than dig's own wait the guard lets it run. */
    static final Duration GUARD = Duration.ofSeconds(3);

    private DigDnsQuery() {}

    /** How long dig really waits for an answer: the budget rounded up to whole seconds. */
    static Duration wait(Duration budget) {
        return Duration.ofSeconds(Math.max(1, (budget.toMillis() + 999) / 1000));
    }

    static List<String> command(Probe.DnsQuery probe, Duration budget) {
        List<String> argv = new ArrayList<>(List.of("timeout", ClientOutput.seconds(budget.plus(GUARD)), "dig",
                "@" + probe.server(), "-p", Integer.toString(probe.port()), probe.name(), "A",
                "+time=" + wait(budget).toSeconds(), "+tries=1"));
        if (probe.transport() == Probe.DnsQuery.Transport.TCP) {
            argv.add("+tcp");
        }
        return argv;
    }

    static Observation classify(CommandResult result, Probe.DnsQuery probe, Duration budget) {
        String budgetText = ClientOutput.budgetText(wait(budget));
        boolean udp = probe.transport() == Probe.DnsQuery.Transport.UDP;
        String output = result.stdout() + "\n" + result.stderr();
        if (result.exitCode() == 0) {
            return judge(output).orElse(Observation.of(ProbeOutcome.ERROR, "dig printed no response header"));
        }
        if (result.exitCode() == 124) {
            return Observation.of(ProbeOutcome.TIMEOUT, "no answer within " + budgetText);
        }
        for (String line : output.lines().toList()) {
            Matcher setup = SETUP_FAILED.matcher(line);
            if (setup.find()) {
                return socketError(setup.group(1), true, udp, budgetText);
            }
            Matcher exchange = EXCHANGE_FAILED.matcher(line);
            if (exchange.find()) {
                return socketError(exchange.group(1), false, udp, budgetText);
            }
            if (line.contains("connection timed out; no servers could be reached")) {
                return Observation.of(ProbeOutcome.TIMEOUT, "no answer within " + budgetText);
            }
        }
        return Observation.of(ProbeOutcome.ERROR, "dig exited " + result.exitCode() + ": "
                + ClientOutput.lastLine(result.stderr().isBlank() ? result.stdout() : result.stderr()));
    }

    private static Observation socketError(String digWords, boolean connecting, boolean udp, String budgetText) {
        String lower = digWords.toLowerCase(Locale.ROOT).strip();
        if (lower.contains("timed out")) {
            return Observation.of(ProbeOutcome.TIMEOUT, connecting && !udp ? "no TCP connection within " + budgetText
                    : "no answer within " + budgetText);
        }
        String words = KERNEL_WORDS.getOrDefault(lower, digWords);
        if (udp && !connecting && lower.equals("connection refused")) {
            return Observation.of(ProbeOutcome.REFUSED, "Connection refused (ICMP port unreachable)");
        }
        Observation seen = SocketErrors.classify(words, connecting);
        return seen.outcome() == ProbeOutcome.ERROR ? Observation.of(ProbeOutcome.ERROR, "dig: " + digWords) : seen;
    }

    /** The rcode and the A records of the answer section, when dig printed a response. */
    private static Optional<Observation> judge(String output) {
        String rcode = null;
        List<Ipv4> answers = new ArrayList<>();
        boolean inAnswer = false;
        for (String line : output.lines().toList()) {
            Matcher status = STATUS.matcher(line);
            if (status.find()) {
                rcode = status.group(1);
            }
            if (line.startsWith(";; ANSWER SECTION:")) {
                inAnswer = true;
            } else if (line.isBlank() || line.startsWith(";;")) {
                inAnswer = false;
            } else if (inAnswer) {
                Matcher a = A_RECORD.matcher(line);
                if (a.find()) {
                    answers.add(Ipv4.parse(a.group(1)));
                }
            }
        }
        if (rcode == null) {
            return Optional.empty();
        }
        Evidence evidence = new Evidence.Dns(rcode, answers);
        String detail = rcode + (answers.isEmpty() ? ""
                : " " + answers.stream().map(Ipv4::toString).reduce((a, b) -> a + "," + b).orElseThrow());
        boolean answered = rcode.equals("NOERROR") || rcode.equals("NXDOMAIN");
        return Optional.of(new Observation(answered ? ProbeOutcome.OK : ProbeOutcome.ERROR,
                answered ? detail : "rcode " + detail, evidence));
    }
}
