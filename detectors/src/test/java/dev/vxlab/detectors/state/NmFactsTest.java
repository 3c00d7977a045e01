package dev.vxlab.detectors.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NmFactsTest {
    /** The field report's permanent fix, /etc/NetworkManager/conf.d/k8s.conf (split as NetworkManager splits it). */
    static final List<String> FIELD_FIX = List.of("interface-name:cali*", "interface-name:tunl*",
            "interface-name:vxlan.calico", "interface-name:flannel*", "interface-name:veth*", "interface-name:cni0",
            "interface-name:docker0");

    static NmFacts facts(String... specs) {
        return new NmFacts(true, true, List.of(specs));
    }

    @Test
    void theFieldFixCoversEveryDeviceFlannelAndTheCniPluginMake() {
        NmFacts nm = new NmFacts(true, true, FIELD_FIX);
        assertThat(nm.coversFlannel()).isTrue();
        assertThat(nm.coversCni0()).isTrue();
        assertThat(nm.coversVeth()).isTrue();
        assertThat(nm.unmanages("flannel.1")).isTrue();
        assertThat(nm.unmanages("veth3a5c1e07")).isTrue();
        assertThat(nm.unmanages("eth0")).isFalse();
    }

    @Test
    void noConfigurationCoversNothing() {
        NmFacts nm = facts();
        assertThat(nm.coversFlannel()).isFalse();
        assertThat(nm.coversCni0()).isFalse();
        assertThat(nm.coversVeth()).isFalse();
        assertThat(NmFacts.NOT_INSPECTED.inspected()).isFalse();
        assertThat(NmFacts.NOT_INSPECTED.coversFlannel()).isFalse();
    }

    @Test
    void aSingleDeviceIsNotTheWholeFamily() {
        NmFacts nm = facts("interface-name:flannel.1", "interface-name:=cni0");
        assertThat(nm.unmanages("flannel.1")).isTrue();
        assertThat(nm.unmanages("flannel.2")).isFalse();
        assertThat(nm.coversFlannel()).as("flannel.1 only, not flannel*").isFalse();
        assertThat(nm.coversCni0()).isTrue();
        assertThat(facts("interface-name:=veth*").unmanages("veth0")).as("'=' takes the name literally").isFalse();
        assertThat(facts("interface-name:=veth*").unmanages("veth*")).isTrue();
    }

    @Test
    void globsUseStarAndQuestionMark() {
        assertThat(facts("interface-name:fl?nnel*").coversFlannel()).isTrue();
        assertThat(facts("interface-name:~flannel*").coversFlannel()).isTrue();
        assertThat(facts("interface-name:f*").coversFlannel()).isTrue();
        assertThat(facts("interface-name:flannel.*").coversFlannel()).as("does not cover 'flannelX'").isFalse();
        assertThat(facts("interface-name:flannel.*").unmanages("flannel.1")).isTrue();
        assertThat(facts("interface-name:*0").coversCni0()).isTrue();
        assertThat(facts("interface-name:c?i0").unmanages("cni0")).isTrue();
        assertThat(facts("*").coversVeth()).isTrue();
    }

    @Test
    void exceptWinsAndAListOfOnlyExceptsMatchesTheRest() {
        NmFacts nm = facts("interface-name:veth*", "except:interface-name:veth0");
        assertThat(nm.unmanages("veth1")).isTrue();
        assertThat(nm.unmanages("veth0")).isFalse();
        assertThat(nm.coversVeth()).isFalse();
        NmFacts onlyExcept = facts("except:interface-name:eth0");
        assertThat(onlyExcept.unmanages("flannel.1")).isTrue();
        assertThat(onlyExcept.unmanages("eth0")).isFalse();
        assertThat(onlyExcept.coversFlannel()).isTrue();
        assertThat(facts("*", "except:type:ethernet").coversFlannel())
                .as("a non-name except might exclude a flannel device: not sure, so no").isFalse();
    }

    @Test
    void specsOnOtherPropertiesMatchNoName() {
        NmFacts nm = facts("mac:b6:9b:ed:b0:37:74", "type:vxlan", "driver:veth", "b6:9b:ed:b0:37:74");
        assertThat(nm.unmanages("flannel.1")).isFalse();
        assertThat(nm.coversFlannel()).isFalse();
    }
}
