package dev.vxlab.scenarios.cli;

import dev.vxlab.lab.cli.CommandPlugin;
import java.util.List;

/** Adds {@code reproduce}, {@code run}, {@code scenarios} and {@code agent} to the vxlab CLI (registered in META-INF/services). */
public final class ScenarioCommands implements CommandPlugin {
    @Override
    public List<Object> commands() {
        return List.of(new ReproduceCommand(), new RunCommand(), new ScenariosCommand(), new dev.vxlab.agent.Main());
    }
}
