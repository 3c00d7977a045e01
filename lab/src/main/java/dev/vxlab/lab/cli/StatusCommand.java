package dev.vxlab.lab.cli;

import dev.vxlab.lab.persist.LabEntry;
import dev.vxlab.lab.persist.LabRecord;
import dev.vxlab.lab.persist.LabStore;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "status", description = "List persistent labs, their nodes and how to reach them.")
final class StatusCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        LabStore store = LabStore.fromEnvironment();
        List<LabRecord> labs = store.list();
        if (labs.isEmpty()) {
            System.out.println("no lab is up; start one with './vxlab up'");
            return Main.OK;
        }
        for (LabRecord lab : labs) {
            boolean alive = LabStore.alive(lab);
            System.out.printf("%s: %s, %d nodes, prefix %s, sandbox PID %d, since %s%n", lab.name(),
                    alive ? "up" : "DEAD (remove with 'vxlab down --lab " + lab.name() + "')", lab.nodes(), lab.prefix(),
                    lab.sandboxPid(), lab.created());
            if (alive) {
                var ready = store.dir(lab.name()).resolve(DaemonCommand.READY_FILE);
                if (Files.exists(ready)) {
                    Files.readAllLines(ready).forEach(l -> System.out.println("  " + l));
                }
                System.out.println("  enter by hand: " + String.join(" ", LabEntry.nsenter(lab)) + " "
                        + String.join(" ", NodeCommands.of(store, lab, "0", List.of("bash"))));
                System.out.println("  published leases: " + store.dir(lab.name()).resolve("nodes.json"));
            }
        }
        return Main.OK;
    }
}
