package dev.vxlab.lab.cli;

import dev.vxlab.lab.fault.FaultCatalog;
import picocli.CommandLine.Command;

@Command(name = "faults", description = "List the faults vxlab can inject, their parameters and what they model.")
final class FaultsCommand implements Runnable {
    @Override
    public void run() {
        // The id column as wide as the longest id, so every summary starts in the same column.
        int width = FaultCatalog.ids().stream().mapToInt(String::length).max().orElse(0);
        for (FaultCatalog fault : FaultCatalog.values()) {
            System.out.printf("%-" + width + "s  %s%s%n", fault.id(), fault.summary(),
                    fault.parameters().isEmpty() ? "" : "  [-p " + String.join("=… -p ", fault.parameters()) + "=…]");
        }
    }
}
