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
import picocli.CommandLine.Parameters;

@Command(name = "down", description = "Stop a persistent lab (or all of them) and remove everything it made.")
final class DownCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "NAME", description = "The lab (default: the only one).")
    String name;

    @Option(names = "--all", description = "Stop every lab.")
    boolean all;

    @Override
    public Integer call() throws Exception {
        LabStore store = LabStore.fromEnvironment();
        List<LabRecord> labs;
        if (all) {
            labs = store.list();
        } else if (name != null) {
            labs = List.of(store.read(name).orElseThrow(() -> new LabException("no lab named '" + name + "'")));
        } else {
            List<LabRecord> known = store.list();
            if (known.size() != 1) {
                throw new LabException(known.isEmpty() ? "no lab is up" : "several labs exist ("
                        + String.join(", ", known.stream().map(LabRecord::name).toList())
                        + "); name one, or use --all");
            }
            labs = known;
        }
        for (LabRecord lab : labs) {
            stop(lab);
            store.remove(lab.name());
            System.out.println("lab '" + lab.name() + "' is down");
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
