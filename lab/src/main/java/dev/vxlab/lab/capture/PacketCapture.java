package dev.vxlab.lab.capture;

import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.detectors.remote.RemoteException;
import dev.vxlab.detectors.remote.RemoteProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real tcpdump writing a pcap file from one device of a node, started through the node's {@link Remote}.
 *
 * <p>Runs {@code tcpdump -Z root -U -n -i DEV -w FILE [filter]} on the node, with FILE under {@link #NODE_DIRECTORY}
 * as the node's processes name it ({@link Remote#processPath}); {@link #stop()} ends it and fetches the file with
 * {@link Remote#get} into the local file the caller chose. tcpdump is exec'd by a one-line {@code sh} that first
 * prints its PID, so the drain before the stop can ask that very process (and no other) for its counters with
 * {@code kill -USR1 PID}, run on the node too.
 */
public final class PacketCapture implements AutoCloseable {
    /** Where pcaps are written on the node until they are fetched. */
    static final String NODE_DIRECTORY = "/var/tmp/vxlab";
    static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(20);
    private static final Duration DRAIN_PAUSE = Duration.ofMillis(50);
    private static final Pattern LISTENING = Pattern.compile("listening on");
    private static final Pattern CAPTURED = Pattern.compile("^(\\d+) packets? captured");
    private static final Pattern PID = Pattern.compile("^vxlab-capture-pid (\\d+)$", Pattern.MULTILINE);
    private static final String PRINT_PID_THEN_EXEC = "echo \"vxlab-capture-pid $$\" >&2; exec \"$@\"";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CapturePoint point;
    private final String nodeFile;
    private final Path file;
    private final RemoteProcess tcpdump;
    private final OptionalLong pid;
    private CaptureFile result;

    private PacketCapture(CapturePoint point, String nodeFile, Path file, RemoteProcess tcpdump, OptionalLong pid) {
        this.point = point;
        this.nodeFile = nodeFile;
        this.file = file;
        this.tcpdump = tcpdump;
        this.pid = pid;
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
     * @param file   where {@link #stop()} puts the pcap on this machine
     * @param filter a pcap filter expression such as {@code tcp port 9153}, or null for everything
     */
    public static PacketCapture start(CapturePoint point, Path file, String filter) throws CaptureException {
        return start(TcpdumpProgram.DEFAULT, System.getenv(), point, file, filter, START_TIMEOUT);
    }

    /** The seam for tests: another tcpdump program and another environment. */
    static PacketCapture start(String program, Map<String, String> env, CapturePoint point, Path file, String filter,
            Duration startTimeout) throws CaptureException {
        if (TcpdumpProgram.sandboxForbidsCapture(env)) {
            throw new CaptureException(TcpdumpProgram.NO_CAPTURE_REASON);
        }
        Remote remote = point.remote();
        String nodeFile = NODE_DIRECTORY + "/" + HexFormat.of().toHexDigits(RANDOM.nextInt()) + "-"
                + file.getFileName();
        RemoteProcess process;
        try {
            CommandResult mkdir = remote.run("mkdir", "-p", remote.processPath(NODE_DIRECTORY));
            if (!mkdir.ok()) {
                throw new CaptureException("cannot make " + NODE_DIRECTORY + " on node " + point.node() + " for the "
                        + "capture: " + TcpdumpProgram.explanation(mkdir.stderr().lines().toList()));
            }
            List<String> argv = new ArrayList<>(List.of("sh", "-c", PRINT_PID_THEN_EXEC, "sh"));
            argv.addAll(command(program, point.device(), remote.processPath(nodeFile), filter));
            process = remote.start(argv);
        } catch (RemoteException e) {
            throw new CaptureException("cannot start tcpdump on " + point + ": " + e.getMessage(), e);
        }
        try {
            // tcpdump installs its SIGUSR1 handler before it says "listening on", so stop() may signal from now on.
            if (!awaitStderr(process, LISTENING, startTimeout)) {
                if (process.alive()) {
                    process.stop(Duration.ZERO);
                    throw new CaptureException("tcpdump on " + point + " did not report listening within "
                            + startTimeout.toSeconds() + " s, so it was stopped");
                }
                CommandResult ended = process.stop(Duration.ZERO);
                throw new CaptureException(startFailure(point, ended.exitCode(), tcpdumpsWords(ended.stderr())));
            }
        } catch (InterruptedException e) {
            process.stop(Duration.ZERO);
            Thread.currentThread().interrupt();
            throw new CaptureException("interrupted while starting tcpdump on " + point, e);
        }
        Matcher pid = PID.matcher(process.stderrSoFar());
        return new PacketCapture(point, nodeFile, file, process,
                pid.find() ? OptionalLong.of(Long.parseLong(pid.group(1))) : OptionalLong.empty());
    }

    // No --immediate-mode: it switches libpcap to TPACKET_V2, one ring frame per packet sized for the 256 KiB
    // snapshot length, and the kernel then dropped up to half of a 200-datagram burst. TPACKET_V3 packs packets
    // into blocks; the block still open at stop time is waited for by drainQueuedPackets().
    static List<String> command(String program, String device, String processFile, String filter) {
        List<String> argv = new ArrayList<>(List.of(program, "-Z", "root", "-U", "-n", "-i", device,
                "-w", processFile));
        if (filter != null && !filter.isBlank()) {
            argv.add(filter);
        }
        return argv;
    }

    /** Polls the process's stderr (from its start) for a line; false when it ended or time ran out first. */
    private static boolean awaitStderr(RemoteProcess process, Pattern pattern, Duration timeout)
            throws InterruptedException {
        return awaitStderr(process, 0, pattern, timeout).isPresent();
    }

    private static Optional<String> awaitStderr(RemoteProcess process, int fromLine, Pattern pattern,
            Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean aliveBefore = process.alive(); // read stderr after: the last words of a dead process are in
            List<String> lines = process.stderrSoFar().lines().toList();
            for (int i = fromLine; i < lines.size(); i++) {
                if (pattern.matcher(lines.get(i)).find()) {
                    return Optional.of(lines.get(i));
                }
            }
            if (!aliveBefore || System.nanoTime() > deadline) {
                return Optional.empty();
            }
            Thread.sleep(POLL);
        }
    }

    /** stderr without the wrapper's PID line: what tcpdump (or the shell that could not exec it) said. */
    static List<String> tcpdumpsWords(String stderr) {
        return stderr.lines().filter(line -> !PID.matcher(line).matches()).toList();
    }

    private static String startFailure(CapturePoint point, int exitCode, List<String> stderr) {
        if (TcpdumpProgram.saysProgramMissing(stderr)) {
            return TcpdumpProgram.MISSING;
        }
        return "tcpdump could not capture on " + point + " (exit " + exitCode + "): "
                + TcpdumpProgram.explanation(stderr);
    }

    /**
     * Lets tcpdump write every packet the kernel already queued for it, ends it with SIGTERM (it flushes the file
     * and prints its counts), fetches the file from the node and describes it. Calling it again returns the same
     * description.
     */
    public synchronized CaptureFile stop() throws CaptureException {
        if (result != null) {
            return result;
        }
        try {
            drainQueuedPackets();
        } catch (InterruptedException e) {
            tcpdump.stop(Duration.ZERO);
            Thread.currentThread().interrupt();
            throw new CaptureException("interrupted while stopping tcpdump on " + point, e);
        }
        CommandResult ended = tcpdump.stop(STOP_TIMEOUT);
        List<String> stderr = tcpdumpsWords(ended.stderr());
        OptionalLong captured = packetsCaptured(stderr);
        if (captured.isEmpty()) {
            throw new CaptureException("tcpdump on " + point + " ended (exit " + ended.exitCode()
                    + ") without saying how many packets it captured: " + TcpdumpProgram.explanation(stderr));
        }
        fetch();
        result = new CaptureFile(file, point.device(), point.node(), captured.getAsLong());
        return result;
    }

    /** Brings the pcap from the node into the local file, then removes it from the node. */
    private void fetch() throws CaptureException {
        Remote remote = point.remote();
        try {
            byte[] pcap = remote.get(nodeFile).orElseThrow(() -> new CaptureException("tcpdump on " + point
                    + " left no file at " + nodeFile));
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(file, pcap);
            remote.run("rm", "-f", remote.processPath(nodeFile)); // best effort: a leftover only takes space
        } catch (RemoteException e) {
            throw new CaptureException("cannot fetch " + nodeFile + " from node " + point.node() + ": "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new CaptureException("cannot write the capture to " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * On SIGTERM libpcap abandons packets still queued in its ring (measured: 6 of 10 written, though all 10 were
     * "received by filter"); a TPACKET_V3 block reaches tcpdump only when full or after its 1 s timeout. So ask
     * tcpdump for its counters with SIGUSR1 until it has written (or the kernel dropped) all it received.
     */
    private void drainQueuedPackets() throws InterruptedException {
        if (pid.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            int seen = (int) tcpdump.stderrSoFar().lines().count();
            if (!askForCounters()) {
                return;
            }
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            Optional<CaptureCounters> counters = awaitStderr(tcpdump, seen, CaptureCounters.LINE, left)
                    .flatMap(CaptureCounters::parse);
            if (counters.isEmpty() || counters.get().drained()) {
                return;
            }
            Thread.sleep(DRAIN_PAUSE); // let tcpdump work through its ring before asking again
        }
    }

    /** {@code kill -USR1 PID} on the node; false when tcpdump is gone (never signal a PID that may be reused). */
    private boolean askForCounters() {
        if (!tcpdump.alive()) {
            return false;
        }
        return point.remote().run("kill", "-USR1", Long.toString(pid.getAsLong())).ok();
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

    /** The local file {@link #stop()} fills. */
    public Path file() {
        return file;
    }

    /** Where tcpdump writes on the node, as the node names it. */
    public String nodeFile() {
        return nodeFile;
    }

    public boolean isRunning() {
        return tcpdump.alive();
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
