package dev.vxlab.lab.capture;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real tcpdump writing a pcap file from one device inside a named network namespace.
 *
 * <p>Runs {@code ip netns exec NAME tcpdump -Z root -U -n -i DEV -w FILE [filter]}. {@code ip netns
 * exec} execs tcpdump in place, so the process handle is tcpdump itself and {@link #stop()} signals it directly.
 */
public final class PacketCapture implements AutoCloseable {
    static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DRAIN_PAUSE = Duration.ofMillis(50);
    private static final Pattern LISTENING = Pattern.compile("listening on");
    private static final Pattern CAPTURED = Pattern.compile("^(\\d+) packets? captured");

    private final CapturePoint point;
    private final Path file;
    private final Process tcpdump;
    private final StderrWatcher stderr;
    private CaptureFile result;

    private PacketCapture(CapturePoint point, Path file, Process tcpdump, StderrWatcher stderr) {
        this.point = point;
        this.file = file;
        this.tcpdump = tcpdump;
        this.stderr = stderr;
    }

    /** Whether capture can work here; callers that can do without it skip with {@code reason()}. */
    public static CaptureAvailability available() {
        return TcpdumpProgram.availability(System.getenv(), TcpdumpProgram.DEFAULT);
    }

    /** Starts capturing everything on the device. */
    public static PacketCapture start(CapturePoint point, Path file) throws CaptureException {
        return start(point, file, null);
    }

    /**
     * Starts capturing and returns once tcpdump says it is listening, so no packet sent afterwards is missed.
     *
     * @param filter a pcap filter expression such as {@code tcp port 9153}, or null for everything
     */
    public static PacketCapture start(CapturePoint point, Path file, String filter) throws CaptureException {
        return start(TcpdumpProgram.DEFAULT, System.getenv(), point, file, filter, START_TIMEOUT);
    }

    /** The seam for tests: another tcpdump program and another environment. */
    static PacketCapture start(String program, Map<String, String> env, CapturePoint point, Path file, String filter,
            Duration startTimeout) throws CaptureException {
        if (TcpdumpProgram.availability(env, program) instanceof CaptureAvailability.Unavailable(String reason)) {
            throw new CaptureException(reason);
        }
        Process process = launch(command(program, point, file, filter), point);
        StderrWatcher stderr = new StderrWatcher(process.getErrorStream());
        try {
            // tcpdump installs its SIGUSR1 handler before it says "listening on", so stop() may signal from now on.
            if (stderr.awaitLine(0, LISTENING, startTimeout).isEmpty()) {
                if (!stderr.ended()) {
                    killAndReap(process);
                    throw new CaptureException("tcpdump on " + point + " did not report listening within "
                            + startTimeout.toSeconds() + " s, so it was stopped");
                }
                process.waitFor();
                stderr.awaitEnd(STOP_TIMEOUT);
                throw new CaptureException(startFailure(point, process.exitValue(), stderr.lines()));
            }
        } catch (InterruptedException e) {
            killAndReap(process);
            Thread.currentThread().interrupt();
            throw new CaptureException("interrupted while starting tcpdump on " + point, e);
        }
        return new PacketCapture(point, file, process, stderr);
    }

    // No --immediate-mode: it switches libpcap to TPACKET_V2, one ring frame per packet sized for the 256 KiB
    // snapshot length, and the kernel then dropped up to half of a 200-datagram burst. TPACKET_V3 packs packets
    // into blocks; the block still open at stop time is waited for by drainQueuedPackets().
    static List<String> command(String program, CapturePoint point, Path file, String filter) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", point.namespace(), program,
                "-Z", "root", "-U", "-n", "-i", point.device(), "-w", file.toString()));
        if (filter != null && !filter.isBlank()) {
            argv.add(filter);
        }
        return argv;
    }

    private static Process launch(List<String> argv, CapturePoint point) throws CaptureException {
        try {
            return new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new CaptureException("cannot run 'ip' to enter network namespace " + point.namespace()
                    + "; install iproute2 (apt-get install iproute2)", e);
        }
    }

    private static String startFailure(CapturePoint point, int exitCode, List<String> stderr) {
        if (TcpdumpProgram.saysProgramMissing(stderr)) {
            return TcpdumpProgram.MISSING;
        }
        return "tcpdump could not capture on " + point + " (exit " + exitCode + "): "
                + TcpdumpProgram.explanation(stderr);
    }

    private static void killAndReap(Process process) {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Lets tcpdump write every packet the kernel already queued for it, ends it with SIGTERM (it flushes the file
     * and prints its counts), waits for it, and describes the file. Calling it again returns the same description.
     */
    public synchronized CaptureFile stop() throws CaptureException {
        if (result != null) {
            return result;
        }
        try {
            drainQueuedPackets();
        } catch (InterruptedException e) {
            killAndReap(tcpdump);
            Thread.currentThread().interrupt();
            throw new CaptureException("interrupted while stopping tcpdump on " + point, e);
        }
        // SIGTERM through the ProcessHandle: Process.destroy() would also close our end of tcpdump's stderr, and
        // its last words ("N packets captured") would be lost.
        tcpdump.toHandle().destroy();
        try {
            if (!tcpdump.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                killAndReap(tcpdump);
                throw new CaptureException("tcpdump on " + point + " did not end within " + STOP_TIMEOUT.toSeconds()
                        + " s of SIGTERM and was killed, so " + file + " may be incomplete");
            }
            stderr.awaitEnd(STOP_TIMEOUT);
        } catch (InterruptedException e) {
            killAndReap(tcpdump);
            Thread.currentThread().interrupt();
            throw new CaptureException("interrupted while stopping tcpdump on " + point, e);
        }
        OptionalLong captured = packetsCaptured(stderr.lines());
        if (captured.isEmpty()) {
            throw new CaptureException("tcpdump on " + point + " ended (exit " + tcpdump.exitValue()
                    + ") without saying how many packets it captured: " + TcpdumpProgram.explanation(stderr.lines()));
        }
        result = new CaptureFile(file, point.device(), point.node(), captured.getAsLong());
        return result;
    }

    /**
     * On SIGTERM libpcap abandons packets still queued in its ring (measured: 6 of 10 written, though all 10 were
     * "received by filter"); a TPACKET_V3 block reaches tcpdump only when full or after its 1 s timeout. So ask
     * tcpdump for its counters with SIGUSR1 until it has written (or the kernel dropped) all it received.
     */
    private void drainQueuedPackets() throws InterruptedException {
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            int seen = stderr.lineCount();
            if (!Signals.send(tcpdump, Signals.SIGUSR1)) {
                return;
            }
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            Optional<CaptureCounters> counters = stderr.awaitLine(seen, CaptureCounters.LINE, left)
                    .flatMap(CaptureCounters::parse);
            if (counters.isEmpty() || counters.get().drained()) {
                return;
            }
            Thread.sleep(DRAIN_PAUSE); // let tcpdump work through its ring before asking again
        }
    }

    /** The count tcpdump prints as it exits ("10 packets captured", on a line of its own). */
    static OptionalLong packetsCaptured(List<String> stderr) {
        OptionalLong last = OptionalLong.empty();
        for (String line : stderr) {
            Matcher m = CAPTURED.matcher(line.strip());
            if (m.find()) {
                last = OptionalLong.of(Long.parseLong(m.group(1)));
            }
        }
        return last;
    }

    public CapturePoint point() {
        return point;
    }

    public Path file() {
        return file;
    }

    public boolean isRunning() {
        return tcpdump.isAlive();
    }

    /** Stops tcpdump if {@link #stop()} was not called; a failure here is dropped, the file is what it is. */
    @Override
    public void close() {
        try {
            stop();
        } catch (CaptureException ignored) {
            // stop() already made sure tcpdump is gone
        }
    }
}
