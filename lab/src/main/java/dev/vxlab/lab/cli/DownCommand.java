package dev.vxlab.lab.cli;

import dev.vxlab.lab.LabException;
import dev.vxlab.lab.persist.LabRecord;
import dev.vxlab.lab.persist.LabStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;

@Command(name = "down", description = "Stop a persistent lab (or all of them) and remove everything it made.")
final class DownCommand implements Callable<Integer> {
    @Mixin
    LabOption lab;

    @Option(names = "--all", description = "Stop every lab.")
    boolean all;

    @Override
    public Integer call() throws Exception {
        LabStore store = LabStore.fromEnvironment();
        List<LabRecord> labs;
        if (all) {
            labs = store.list();
        } else if (lab.name != null) {
            labs = List.of(store.read(lab.name).orElseThrow(() -> new LabException("no lab named '" + lab.name + "'")));
        } else {
            List<LabRecord> known = store.list();
            if (known.size() != 1) {
                throw new LabException(known.isEmpty() ? "no lab is up" : "several labs exist ("
                        + String.join(", ", known.stream().map(LabRecord::name).toList())
                        + "); name one with --lab NAME, or use --all");
            }
            labs = known;
        }
        for (LabRecord record : labs) {
            stop(record);
            store.remove(record.name());
            System.out.println("lab '" + record.name() + "' is down");
        }
        return Main.OK;
    }

    /** Ends the lab's daemon by its PID: SIGTERM (it tears the cluster down), then SIGKILL if it lingers. */
    private static void stop(LabRecord lab) throws InterruptedException {
        if (!LabStore.alive(lab)) {
            return;
        }
        Optional<ProcessHandle> daemon = ProcessHandle.of(lab.sandboxPid());
        if (daemon.isEmpty()) {
            return;
        }
        daemon.get().destroy();
        try {
            daemon.get().onExit().get(15, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            daemon.get().destroyForcibly();
        }
    }
}
