package dev.vxlab.lab.cli;

import dev.vxlab.lab.Lab;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.fault.Fault;
import dev.vxlab.lab.fault.FaultCatalog;
import dev.vxlab.detectors.action.Applied;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "inject", description = "Apply a fault to a node of a running lab ('vxlab faults' lists them).")
final class InjectCommand extends InLabCommand {
    @Parameters(index = "0", paramLabel = "FAULT", description = "The fault id, e.g. vtep-mac-drift.")
    String fault;

    @Option(names = "--node", required = true, paramLabel = "NODE", description = "Node name, IP or index.")
    String node;

    @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE", description = "A fault parameter, e.g. -p mac=b6:9b:ed:b0:37:74.")
    Map<String, String> params = new LinkedHashMap<>();

    @Override
    int act(Lab lab) throws LabException {
        Fault built;
        try {
            built = FaultCatalog.create(fault, node, params, lab.spec());
        } catch (IllegalArgumentException e) {
            throw new LabException(e.getMessage(), e);
        }
        System.out.println("injecting " + built.id() + " on node " + built.node() + ":");
        for (Applied r : lab.inject(built)) {
            System.out.println("  $ " + r.commandLine());
        }
        return Main.OK;
    }
}
