package dev.vxlab.bench;

import dev.vxlab.lab.backend.LabOptions;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.backend.netns.BuildPhase;
import dev.vxlab.lab.backend.netns.NetnsBackend;
import dev.vxlab.lab.backend.netns.NetnsCluster;
import dev.vxlab.lab.spec.ClusterSpec;
import java.nio.file.Files;
import java.util.List;

/** Where one build's time goes: a single build of the given size, with the builder's own per-phase times. */
final class ClusterUpPhases {
    private ClusterUpPhases() {}

    record Result(int nodes, List<BuildPhase> phases) {}

    static Result measure(int nodes) throws Exception {
        var run = LabRun.random(Files.createTempDirectory("vxlab-bench-phases"));
        try (var cluster = (NetnsCluster) new NetnsBackend().create(ClusterSpec.field(nodes), run, LabOptions.DEFAULT)) {
            return new Result(nodes, cluster.buildPhases());
        }
    }
}
