package dev.vxlab.nodedoctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.spi.Diagnosis;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What NPD shows as the condition's message: the leading finding that breaks traffic, or healthy (and a risk). */
class NpdPluginTest {

    private static Finding finding(String fault, Severity severity, String device) {
        return new Finding(fault, "node-a", device, "expected", "actual", fault + " summary", severity, List.of());
    }

    @Test
    void healthyNodeSaysSo() {
        assertThat(NpdPlugin.message(new Diagnosis("node-a", true, List.of()))).isEqualTo(NpdPlugin.HEALTHY);
    }

    @Test
    void aRiskKeepsTheNodeHealthyButIsNamed() {
        Diagnosis risky = new Diagnosis("node-a", true, List.of(finding("nm-manages-cni-devices", Severity.RISK, "")));
        assertThat(NpdPlugin.message(risky)).isEqualTo(NpdPlugin.HEALTHY + "; risk: nm-manages-cni-devices");
    }

    @Test
    void theFirstImpairingFindingLeadsAndTheRestAreCounted() {
        Diagnosis sick = new Diagnosis("node-a", false, List.of(
                finding("vtep-mac-drift", Severity.CRITICAL, "flannel.1"),
                finding("otherhost-drops", Severity.INFO, "flannel.1"),
                finding("missing-peer-route", Severity.WARNING, "flannel.1")));
        assertThat(NpdPlugin.message(sick))
                .isEqualTo("vtep-mac-drift on flannel.1 (+1 more): vtep-mac-drift summary");
    }
}
