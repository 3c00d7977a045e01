package dev.vxlab.scenarios.file;

import dev.vxlab.lab.spec.ClusterSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One scenario file, parsed and checked against its own cluster: every node, fault, parameter, fix id and matrix
 * label in it exists, so playing it can fail only because the dataplane or the doctor did not do what it says.
 *
 * @param name the file's name without {@code .yaml} (how {@code vxlab run NAME} finds catalog entries)
 * @param source where it was read from, for messages
 * @param backend the cluster backend by name ({@code netns})
 * @param probeTimeout each probe's deadline
 * @param sayings what the file says at a step ({@code say:}), by the step's line: the step's title when the run is
 *                told as a story, and the phase name of the matrix it measures
 * @param text the file's text, so the scenario can be read again against the cluster a backend really made
 *             ({@link ScenarioParser#onCluster})
 */
public record Scenario(String name, String description, String source, String backend, ClusterSpec cluster,
        Duration probeTimeout, List<ScenarioStep> steps, Map<Integer, String> sayings, String text) {

    public Scenario {
        steps = List.copyOf(steps);
        sayings = Map.copyOf(sayings);
    }

    /** What the file says at this step, if anything. */
    public Optional<String> say(ScenarioStep step) {
        return Optional.ofNullable(sayings.get(step.line()));
    }
}
