package dev.vxlab.lab.cli;

import dev.vxlab.lab.backend.Backends;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.persist.LabEntry;
import dev.vxlab.lab.persist.LabRecord;
import dev.vxlab.lab.persist.LabStore;
import dev.vxlab.lab.sandbox.Sandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "up", description = "Start a persistent lab (the field's cluster) that stays up until 'vxlab down'.")
final class UpCommand implements Callable<Integer> {
    private static final long START_TIMEOUT_MILLIS = 120_000;

    @Option(names = "--lab", paramLabel = "NAME", defaultValue = "lab", description = "The lab's name (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--nodes", defaultValue = "5", description = "Number of nodes, " + ClusterSpec.NODES_RANGE
            + " (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--backend", defaultValue = "netns", description = "Cluster backend (default: ${DEFAULT-VALUE}).")
    String backend;

    @Override
    public Integer call() throws Exception {
        LabStore.checkName(name);
        Backends.byName(backend);
        if (nodes < 2 || nodes > ClusterSpec.MAX_NODES) {
            throw new LabException("--nodes must be from 2 to " + ClusterSpec.MAX_NODES + " (" + ClusterSpec.MAX_NODES_WHY
                    + "), not " + nodes);
        }
        LabStore store = LabStore.fromEnvironment();
        Optional<LabRecord> existing = store.read(name);
        if (existing.isPresent() && LabStore.alive(existing.get())) {
            throw new LabException("a lab named '" + name + "' is already up; 'vxlab down --lab " + name
                    + "' first, or pick another --lab NAME");
        }
        store.remove(name);
        Path dir = store.dir(name);
        Files.createDirectories(dir);
        LabRun run = LabRun.random(dir);
        Path log = dir.resolve("daemon.log");
        Process launcher = Sandbox.startDetached(List.of(DaemonCommand.NAME, "--lab", name, "--prefix", run.prefix(),
                "--nodes", Integer.toString(nodes), "--backend", backend, "--dir", dir.toString()), log);
        Path ready = dir.resolve(DaemonCommand.READY_FILE);
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        while (!Files.exists(ready)) {
            if (!launcher.isAlive() || System.currentTimeMillis() > deadline) {
                launcher.descendants().forEach(ProcessHandle::destroyForcibly);
                launcher.destroyForcibly();
                String tail = tail(log);
                store.remove(name);
                throw new LabException("the lab did not start" + (tail.isBlank() ? "" : ": " + tail));
            }
            Thread.sleep(100);
        }
        // The launcher exec'd into unshare, whose only child is the sandbox's PID 1: the daemon JVM.
        long sandboxPid = launcher.children().findFirst().map(ProcessHandle::pid)
                .orElseThrow(() -> new LabException("the lab's sandbox exited right after starting; see " + log));
        boolean userNamespace = !Files.readSymbolicLink(Path.of("/proc", Long.toString(sandboxPid), "ns", "user"))
                .equals(Files.readSymbolicLink(Path.of("/proc/self/ns/user")));
        LabRecord record = new LabRecord(name, run.prefix(), backend, nodes, sandboxPid, userNamespace,
                Instant.now().toString());
        store.write(record);
        System.out.println(Files.readString(ready).strip());
        System.out.println();
        System.out.println("lab '" + name + "' is up (sandbox PID " + sandboxPid + "). Try:");
        System.out.println("  ./vxlab probe" + labFlag());
        System.out.println("  ./vxlab inject vtep-mac-drift --node 0" + labFlag());
        System.out.println("  ./vxlab shell 0" + labFlag());
        System.out.println("  ./vxlab down --lab " + name);
        System.out.println("By hand: " + String.join(" ", LabEntry.nsenter(record)) + " ip netns exec "
                + run.prefix() + "-n0 bash");
        return Main.OK;
    }

    private String labFlag() {
        return "lab".equals(name) ? "" : " --lab " + name;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" ", lines.subList(Math.max(0, lines.size() - 3), lines.size())).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
