package dev.vxlab.scenarios.contract;

import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.Backends;
import dev.vxlab.lab.backend.ClusterBackend;
import dev.vxlab.lab.backend.LabOptions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The kind backend (a real Kubernetes cluster in node containers, real flanneld) under the contract, through its
 * remotes (docker exec). It runs only where kind, kubectl and a Docker engine are present and the test JVM is outside
 * the vxlab sandbox (kind needs this machine's Docker engine and loopback): on such a machine,
 * {@code ./mvnw -B -ntp -pl scenarios -am test -Dvxlab.kind -Dtest=KindContractTest -Dsurefire.failIfNoSpecifiedTests=false}
 * (the vxlab.kind profile runs the tests in a plain JVM). Everywhere else it is skipped with the backend's own
 * reason, also under CI=true: vxlab's CI machines have no registry and no kindest/node image, so CI cannot run kind
 * and proves the Docker path with the containers backend instead (docs/kind.md).
 */
@ExtendWith(KindContractTest.KindRunsHere.class)
class KindContractTest extends BackendContract {
    @Override
    protected ClusterBackend backend() {
        try {
            return Backends.byName("kind");
        } catch (LabException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Disables the whole class, with the backend's one-sentence reason in the test report, where kind cannot run. */
    static final class KindRunsHere implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            try {
                Backends.byName("kind").info();
                return ConditionEvaluationResult.enabled("kind, kubectl and a Docker engine are here");
            } catch (LabException cannotRun) {
                return ConditionEvaluationResult.disabled(cannotRun.getMessage() + " (skipped, also under CI=true: "
                        + "CI has no registry for kind's node images; see docs/kind.md)");
            }
        }
    }

    @Override
    protected LabOptions options() {
        return LabOptions.REMOTE_ONLY;
    }
}
