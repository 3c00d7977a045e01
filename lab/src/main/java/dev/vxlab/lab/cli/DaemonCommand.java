package dev.vxlab.lab.cli;

import dev.vxlab.lab.backend.Backends;
import dev.vxlab.lab.Lab;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.persist.LabStore;
import dev.vxlab.lab.sandbox.Sandbox;
import dev.vxlab.lab.spec.ClusterSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The process that holds a persistent lab: PID 1 of its sandbox. Started by 'vxlab up', ended by 'vxlab down'. */
@Command(name = DaemonCommand.NAME, hidden = true)
final class DaemonCommand implements Callable<Integer> {
    static final String NAME = "__daemon";
    static final String READY_FILE = "ready";

    @Option(names = "--lab", required = true)
    String name;

    @Option(names = "--prefix", required = true)
    String prefix;

    @Option(names = "--nodes", required = true)
    int nodes;

    @Option(names = "--backend", required = true)
    String backend;

    @Option(names = "--dir", required = true)
    Path dir;

    @Override
    public Integer call() throws Exception {
        if (!Sandbox.inside()) {
            throw new LabException("the lab daemon runs only inside its sandbox; use 'vxlab up'");
        }
        ClusterSpec spec = ClusterSpec.field(nodes);
        LabStore store = new LabStore(dir.getParent().getParent());
        store.writeSpec(name, spec);
        Lab lab = Lab.start(Backends.byName(backend), spec, new LabRun(prefix, dir));
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            lab.close();
            stop.countDown();
        }));
        StringBuilder summary = new StringBuilder();
        for (var node : lab.cluster().nodes()) {
            summary.append("node %-15s subnet %-15s %s%n".formatted(node.name(), node.plan().subnet().canonical(),
                    node.accessHint()));
        }
        Files.writeString(dir.resolve(READY_FILE), summary.toString());
        System.out.println("lab " + name + " up: " + nodes + " nodes, prefix " + prefix);
        stop.await();
        return Main.OK;
    }
}
