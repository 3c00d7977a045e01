package dev.vxlab.detectors.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.spi.Diagnosis;
import dev.vxlab.detectors.spi.Doctor;
import dev.vxlab.detectors.spi.FaultIds;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.testkit.ClusterPlan;
import dev.vxlab.detectors.testkit.HealthyNodes;
import dev.vxlab.detectors.testkit.Mutation;
import dev.vxlab.detectors.testkit.Mutation.WrongRouteKind;
import dev.vxlab.detectors.testkit.Mutations;
import dev.vxlab.detectors.testkit.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fault on its own: one mutation of one node yields exactly its fault id on that node and device, with the
 * fixes the contract names, and nothing on any other node.
 */
class EachFaultTest {
    private static final Doctor DOCTOR = Doctor.load();

    static Stream<Arguments> singleFaults() {
        List<Arguments> out = new ArrayList<>();
        for (ClusterPlan plan : Plans.all()) {
            HealthyNodes cluster = HealthyNodes.of(plan);
            Target target = new Target(cluster, cluster.names().get(1));
            for (Mutation m : mutations(target)) {
                out.add(Arguments.of(plan.namePrefix() + plan.podNetwork() + " " + plan.kernel(), cluster, m));
            }
        }
        return out.stream();
    }

    /** One of each kind, plus the variants random runs leave out. */
    static List<Mutation> mutations(Target t) {
        List<Mutation> all = new ArrayList<>(Mutations.oneOfEach(t));
        String peer = t.peers().getFirst().name();
        all.add(new Mutation.WrongRoute(peer, WrongRouteKind.VIA_UNDERLAY_GATEWAY, ""));
        if (t.hasPods()) {
            all.add(new Mutation.WrongRoute(peer, WrongRouteKind.WITHOUT_ONLINK_VIA_BRIDGE, ""));
        }
        all.add(new Mutation.DropNeighbor(peer, true));
        all.add(new Mutation.DropNeighbor(peer, false));
        for (var attribute : Mutation.VxlanAttribute.values()) {
            all.add(new Mutation.VxlanConfig(attribute));
        }
        all.add(new Mutation.RpFilterStrict("all"));
        all.add(new Mutation.FirewalldDefaultZone());
        all.add(new Mutation.UdevPersistentMac("e802195cf2fbf8e48a79b30e68079193"));
        all.add(new Mutation.FibVxlanPortDrop());
        return all;
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("singleFaults")
    void aSingleFaultIsReportedExactlyOnItsNodeAndDevice(String plan, HealthyNodes cluster, Mutation m) {
        Target target = new Target(cluster, cluster.names().get(1));
        for (String node : cluster.names()) {
            var current = node.equals(target.node()) ? m.apply(cluster.state(node), target) : cluster.state(node);
            Diagnosis d = DOCTOR.examine(cluster.input(node, current));
            List<String> reported = d.findings().stream().map(Mutation::key).sorted().toList();
            if (node.equals(target.node())) {
                assertThat(reported).as("%s on %s: %s", m, node, d.findings())
                        .isEqualTo(Mutation.expectedFindings(List.of(m), target));
                d.findings().forEach(EachFaultTest::assertWellFormed);
            } else {
                assertThat(d.findings()).as("%s on %s must not show on %s", m, target.node(), node).isEmpty();
            }
        }
    }

    @Test
    void theSingleFaultsCoverEveryFaultId() {
        Set<String> covered = new TreeSet<>();
        for (ClusterPlan plan : Plans.all()) {
            HealthyNodes cluster = HealthyNodes.of(plan);
            Target t = new Target(cluster, cluster.names().get(1));
            mutations(t).forEach(m -> m.expected(t).forEach(e -> covered.add(e.fault())));
        }
        assertThat(covered).containsExactlyInAnyOrderElementsOf(FaultIds.ALL);
    }

    @Test
    void eachFaultCarriesTheFixesTheContractNames() {
        HealthyNodes cluster = HealthyNodes.of(ClusterPlan.field(5).withKernel(ClusterPlan.Kernel.RECENT));
        Target t = new Target(cluster, "kylin-20");
        List<Finding> all = new ArrayList<>();
        for (Mutation m : mutations(t)) {
            all.addAll(DOCTOR.examine(cluster.input(t.node(), m.apply(cluster.state(t.node()), t))).findings());
        }
        assertThat(fixesOf(all, FaultIds.VTEP_MAC_DRIFT)).containsExactly("flannel-resync", "restore-vtep-mac");
        assertThat(fixesOf(all, FaultIds.MISSING_PEER_ROUTE)).containsExactly("flannel-resync", "restore-routes");
        assertThat(fixesOf(all, FaultIds.BRIDGE_ADDRESS_MISSING)).containsExactly("restore-address");
        assertThat(fixesOf(all, FaultIds.IP_FORWARD_DISABLED)).containsExactly("restore-sysctl");
        assertThat(fixesOf(all, FaultIds.RP_FILTER_STRICT)).containsExactly("restore-sysctl");
        assertThat(fixesOf(all, FaultIds.NM_MANAGES_CNI_DEVICES)).containsExactly("nm-unmanaged-devices");
        // firewalld's table gets firewalld's permanent rules; any other table, nft accept rules in the chain.
        assertThat(all).filteredOn(f -> f.fault().startsWith("firewall-drops-"))
                .extracting(f -> f.actual().contains("table inet firewalld "), Finding::fixes)
                .containsOnly(org.assertj.core.groups.Tuple.tuple(true, List.of("firewall-allow-flannel")),
                        org.assertj.core.groups.Tuple.tuple(false, List.of("nft-accept-flannel")))
                .hasSizeGreaterThanOrEqualTo(4);
        assertThat(fixesOf(all, FaultIds.MTU_MISMATCH)).containsExactly("restore-mtu");
        assertThat(fixesOf(all, FaultIds.UDEV_MAC_POLICY)).containsExactly("udev-link-mac-none");
        assertThat(fixesOf(all, FaultIds.BRIDGE_PORT_DETACHED)).containsExactly("reattach-bridge-port");
        assertThat(fixesOf(all, FaultIds.VXLAN_DEVICE_MISSING)).containsExactly("flannel-resync");
        assertThat(fixesOf(all, FaultIds.VTEP_ADDRESS_MISSING)).containsExactly("flannel-resync", "restore-address");
        assertThat(fixesOf(all, FaultIds.UNDERLAY_ADDRESS_MISSING))
                .containsExactly("restore-underlay-address", "flannel-resync");
        assertThat(fixesOf(all, FaultIds.DUPLICATE_VTEP_MAC)).containsExactly("regenerate-vtep-mac");
        assertThat(fixesOf(all, FaultIds.DEFAULT_ROUTE_MISSING)).containsExactly("restore-default-route");
        assertThat(all).filteredOn(f -> f.fault().equals(FaultIds.VTEP_LINK_DOWN))
                .extracting(Finding::device, Finding::fixes)
                .contains(org.assertj.core.groups.Tuple.tuple("flannel.1", List.of("flannel-resync", "link-up")),
                        org.assertj.core.groups.Tuple.tuple("eth0", List.of("link-up")));
    }

    private static List<String> fixesOf(List<Finding> findings, String fault) {
        return findings.stream().filter(f -> f.fault().equals(fault)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + fault + " in " + findings)).fixes();
    }

    private static final Set<String> ADVICE_ONLY = Set.of(FaultIds.UNDERLAY_NO_CARRIER,
            FaultIds.UNDERLAY_ROUTE_MISSING, FaultIds.PATH_BROKEN);

    private static void assertWellFormed(Finding f) {
        assertThat(f.expected()).as("expected of %s", f).isNotBlank().doesNotContain("\n");
        assertThat(f.actual()).as("actual of %s", f).isNotBlank().doesNotContain("\n").isNotEqualTo(f.expected());
        assertThat(f.summary()).as("summary of %s", f).isNotBlank().doesNotContain("\n");
        if (ADVICE_ONLY.contains(f.fault())) {
            // Nothing on the node cures these for certain (a carrier, the underlay's routing), and the generic walk
            // names where the path dies, not who put the cause there: the summary advises, no fix would be honest.
            assertThat(f.fixes()).as("fixes of %s", f).isEmpty();
            return;
        }
        assertThat(f.fixes()).as("fixes of %s", f).isNotEmpty()
                .allSatisfy(fix -> assertThat(dev.vxlab.detectors.spi.FixIds.ALL).contains(fix));
    }
}
