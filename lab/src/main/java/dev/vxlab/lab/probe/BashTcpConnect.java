package dev.vxlab.lab.probe;

import dev.vxlab.detectors.remote.CommandResult;
import java.time.Duration;
import java.util.List;

/**
 * {@link Probe.TcpConnect} on a remote: bash opens {@code /dev/tcp/IP/PORT} under coreutils' {@code timeout}, both
 * on every Debian system. (curl's telnet:// would hold an open connection until its own deadline, so every success
 * would cost the whole budget.) bash prints the kernel's words: {@code connect: Connection refused}.
 */
final class BashTcpConnect {
    /** bash's own start, which the deadline of coreutils' timeout includes (curl's and dig's clocks start later). */
    static final Duration BASH_START = Duration.ofMillis(200);

    private BashTcpConnect() {}

    static List<String> command(Probe.TcpConnect probe, Duration budget) {
        return List.of("timeout", ClientOutput.seconds(budget.plus(BASH_START)), "bash", "-c", "exec 3<>/dev/tcp/$0/$1",
                probe.dst().toString(), Integer.toString(probe.port()));
    }

    static Observation classify(CommandResult result, Duration budget) {
        return switch (result.exitCode()) {
            case 0 -> Observation.ok("connected", Evidence.NONE);
            case 124 -> Observation.of(ProbeOutcome.TIMEOUT, "no TCP connection within " + ClientOutput.budgetText(budget));
            default -> {
                String words = kernelWords(result.stderr());
                yield words.isEmpty()
                        ? Observation.of(ProbeOutcome.ERROR, "bash exited " + result.exitCode() + ": "
                                + ClientOutput.lastLine(result.stderr()))
                        : SocketErrors.classify(words, true);
            }
        };
    }

    /** "Connection refused" from "10.9.0.2/81: connect: Connection refused". */
    private static String kernelWords(String stderr) {
        return stderr.lines().filter(l -> l.contains("connect: ")).findFirst()
                .map(l -> l.substring(l.indexOf("connect: ") + "connect: ".length()).strip()).orElse("");
    }
}
