package dev.vxlab.scenarios.cli;

import dev.vxlab.lab.LabException;
import dev.vxlab.scenarios.file.Scenario;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code vxlab scenarios}: the catalog, one line per scenario. */
@Command(name = "scenarios", description = "List the scenario catalog (scenarios/catalog/): name and what it plays.")
final class ScenariosCommand implements Callable<Integer> {

    @Override
    public Integer call() throws LabException {
        Catalog catalog = Catalog.shipped();
        List<Scenario> scenarios = catalog.scenarios();
        int width = scenarios.stream().mapToInt(s -> s.name().length()).max().orElse(0);
        for (Scenario s : scenarios) {
            System.out.printf("%-" + width + "s  %s%n", s.name(), s.description());
        }
        System.out.printf("%n%d scenarios in %s; play one with: vxlab run NAME [--report DIR]%n", scenarios.size(),
                catalog.directory());
        return 0;
    }
}
