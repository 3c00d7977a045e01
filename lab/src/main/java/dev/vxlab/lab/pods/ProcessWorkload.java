package dev.vxlab.lab.pods;

import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.RemoteException;
import dev.vxlab.detectors.remote.RemoteProcess;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.ClusterPod;
import dev.vxlab.lab.backend.LabRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The pods' servers as processes started through each pod's remote (the generic path): {@link PodServerMain} on this
 * JVM's own java and class path, which a node that shares this machine's file system (a network namespace) runs as
 * they are. Each start waits for the process's ready line, so the servers answer when it returns.
 */
public final class ProcessWorkload implements PodWorkload {
    /** A JVM that starts fast and stays small: two servers on virtual threads need little heap and no C2. */
    static final List<String> JVM_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx48m",
            "-Xss256k", "-XX:-UsePerfData");
    static final Duration READY_WITHIN = Duration.ofSeconds(30);

    private final LabRun run;

    public ProcessWorkload(LabRun run) {
        this.run = run;
    }

    @Override
    public PodServerProcess start(ClusterPod pod, DnsZone zone) throws LabException {
        PodServerArgs args = pod.plan().dns() ? PodServerArgs.coreDns(pod.plan().ip(), zone)
                : PodServerArgs.application(pod.plan().ip(), zone);
        RemoteProcess process;
        try {
            process = pod.remote().start(command(args));
        } catch (RemoteException e) {
            throw new LabException("cannot start the servers of pod " + pod.plan().label() + " (run " + run.prefix()
                    + "): " + e.getMessage(), e);
        }
        return awaitReady(pod.plan().label(), process);
    }

    /** The command line of a pod's server process: this JVM's java, class path and {@link PodServerMain}. */
    static List<String> command(PodServerArgs args) throws LabException {
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new LabException("cannot tell which java binary runs vxlab, to start the pods' servers"));
        List<String> argv = new ArrayList<>(List.of(java));
        argv.addAll(JVM_FLAGS);
        argv.addAll(List.of("-cp", System.getProperty("java.class.path"), PodServerMain.class.getName()));
        argv.addAll(args.toArgs());
        return argv;
    }

    private static PodServerProcess awaitReady(String label, RemoteProcess process) throws LabException {
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (true) {
            String ready = process.stdoutSoFar().lines().filter(l -> l.startsWith(PodServerMain.READY)).findFirst()
                    .orElse(null);
            if (ready != null) {
                return new PodServerProcess(label, process, pid(ready));
            }
            if (!process.alive() || System.nanoTime() - deadline > 0) {
                boolean died = !process.alive();
                CommandResult ended = process.stop(Duration.ofSeconds(1));
                String stderr = ended.stderr().strip();
                throw new LabException("the servers of pod " + label + (died ? " exited (" + ended.exitCode() + ")"
                        : " were not ready within " + READY_WITHIN.toSeconds() + " s")
                        + (stderr.isEmpty() ? "" : ": " + stderr.lines().reduce((a, b) -> a + " / " + b).orElse("")));
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                process.stop(Duration.ZERO);
                Thread.currentThread().interrupt();
                throw new LabException("interrupted while starting the servers of pod " + label);
            }
        }
    }

    private static long pid(String readyLine) {
        for (String field : readyLine.split(" ")) {
            if (field.startsWith("pid=")) {
                return Long.parseLong(field.substring(4));
            }
        }
        return -1;
    }

    /** A running pod server process; closing stops it by its PID (SIGTERM, then SIGKILL). */
    public record PodServerProcess(String pod, RemoteProcess process, long pid) implements AutoCloseable {
        @Override
        public void close() {
            process.stop(Duration.ofSeconds(3));
        }
    }
}
