package dev.vxlab.lab.cli;

import dev.vxlab.lab.LabException;
import dev.vxlab.lab.persist.LabEntry;
import dev.vxlab.lab.persist.LabRecord;
import dev.vxlab.lab.persist.LabStore;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "shell", description = "Open a shell on a node of a running lab (its network namespace).")
final class ShellCommand implements Callable<Integer> {
    @Mixin
    LabOption lab;

    @Parameters(index = "0", paramLabel = "NODE", description = "Node name, IP or index.")
    String node;

    @Override
    public Integer call() throws LabException {
        LabStore store = LabStore.fromEnvironment();
        LabRecord record = store.resolve(lab.name);
        String shell = System.getenv().getOrDefault("SHELL", "/bin/bash");
        List<String> argv = NodeCommands.of(store, record, node, List.of(shell));
        System.err.println("vxlab: entering node " + node + " (" + String.join(" ", argv) + "); exit to leave");
        return LabEntry.run(record, argv);
    }
}
