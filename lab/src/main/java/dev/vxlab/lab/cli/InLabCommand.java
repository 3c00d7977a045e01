package dev.vxlab.lab.cli;

import dev.vxlab.lab.Lab;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.backend.Backends;
import dev.vxlab.lab.backend.LabOptions;
import dev.vxlab.lab.persist.LabEntry;
import dev.vxlab.lab.persist.LabRecord;
import dev.vxlab.lab.persist.LabStore;
import dev.vxlab.lab.spec.ClusterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that acts on a persistent lab from inside it: run from the host it starts itself again inside the lab's
 * sandbox (nsenter), where it attaches to the running cluster without owning it.
 */
abstract class InLabCommand implements Callable<Integer> {
    @Mixin
    LabOption lab;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        if (worksWithoutLab()) {
            return actWithoutLab();
        }
        LabStore store = LabStore.fromEnvironment();
        String enteredLab = System.getenv(LabEntry.LAB_ENV);
        if (enteredLab == null) {
            LabRecord record = store.resolve(lab.name);
            // The whole original command line (it starts with this subcommand's name), pinned to the resolved lab.
            List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
            if (lab.name == null) {
                args.addAll(List.of("--lab", record.name()));
            }
            return LabEntry.runCli(record, args);
        }
        // Inside the lab's sandbox its daemon is PID 1 of another /proc: trust the name the outer call resolved.
        LabRecord record = store.read(enteredLab).orElseThrow(() -> new LabException("no lab named '" + enteredLab + "'"));
        ClusterSpec clusterSpec = store.readSpec(record.name());
        LabRun run = new LabRun(record.prefix(), store.dir(record.name()));
        try (Lab attached = Lab.attach(Backends.byName(record.backend()).attach(clusterSpec, run, LabOptions.DEFAULT))) {
            return act(attached);
        }
    }

    abstract int act(Lab lab) throws LabException;

    /** Whether this invocation acts on something other than a lab (the doctor on a real node). */
    boolean worksWithoutLab() {
        return false;
    }

    int actWithoutLab() throws Exception {
        throw new IllegalStateException("not supported");
    }
}
