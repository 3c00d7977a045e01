package dev.vxlab.lab.cli;

import dev.vxlab.lab.LabException;
import dev.vxlab.lab.persist.LabEntry;
import dev.vxlab.lab.persist.LabRecord;
import dev.vxlab.lab.persist.LabStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "exec", description = "Run a command on a node of a running lab: vxlab exec NODE -- CMD [ARG...].")
final class ExecCommand implements Callable<Integer> {
    @Mixin
    LabOption lab;

    @Parameters(index = "0", paramLabel = "NODE", description = "Node name, IP or index.")
    String node;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "CMD", description = "The command and its arguments.")
    List<String> command;

    @Override
    public Integer call() throws LabException {
        LabStore store = LabStore.fromEnvironment();
        LabRecord record = store.resolve(lab.name);
        return LabEntry.run(record, NodeCommands.of(store, record, node, command));
    }
}
