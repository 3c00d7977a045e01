package dev.vxlab.scenarios.contract;

import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.Backends;
import dev.vxlab.lab.backend.ClusterBackend;
import dev.vxlab.lab.backend.LabOptions;
import dev.vxlab.lab.testkit.RequiredTool;

/**
 * The containers backend (privileged node containers on a Docker engine) under the contract, through its remotes
 * only (docker exec). Needs an engine (DOCKER_HOST, e.g. `.ci/private-dockerd.sh start`) and the node image the
 * Maven build imports: without them it is skipped with the backend's own sentence, and fails under CI=true or
 * -Dvxlab.requireAll=true. Every fault takes several minutes on a 2-core machine, so it is tagged "slow-backend" and
 * left out of a normal run: {@code ./vxlab test -Dvxlab.excludedGroups= -Dtest=ContainersContractTest}; CI's subset:
 * {@code -Dvxlab.contract.faults=vtep-mac-drift,vtep-address-removed}.
 */
@dev.vxlab.detectors.testkit.Kernel
@org.junit.jupiter.api.Tag("slow-backend")
class ContainersContractTest extends BackendContract {
    @Override
    protected ClusterBackend backend() {
        try {
            ClusterBackend containers = Backends.byName("containers");
            String why = null;
            try {
                containers.info();
            } catch (LabException cannotRun) {
                why = cannotRun.getMessage();
            }
            RequiredTool.require("a Docker engine", why == null, why);
            return containers;
        } catch (LabException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    protected LabOptions options() {
        return LabOptions.REMOTE_ONLY;
    }
}
