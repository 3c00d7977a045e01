package dev.vxlab.scenarios.runner;

import dev.vxlab.lab.report.Expectation;
import dev.vxlab.lab.report.RunReport;
import java.nio.file.Path;
import java.util.List;

/** How a scenario run went: whether every expectation held, the ones that did not, and the written report. */
public record ScenarioResult(boolean passed, List<Expectation> failed, RunReport report, Path reportDirectory) {
    public ScenarioResult {
        failed = List.copyOf(failed);
    }
}
