package dev.vxlab.detectors.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.state.Neighbor;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.state.RoutingRule;
import dev.vxlab.detectors.state.Scope;
import dev.vxlab.detectors.testkit.ClusterPlan;
import dev.vxlab.detectors.testkit.Firewalls;
import dev.vxlab.detectors.testkit.HealthyNodes;
import dev.vxlab.detectors.testkit.KernelEdits;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The own-side walk on snapshots built in code: silent on healthy nodes, and each hop where it can die. */
class OwnSideTest {
    private final HealthyNodes cluster = HealthyNodes.of(ClusterPlan.field(4));
    /** A node with pods (a bridge), and a peer. */
    private final String self = cluster.names().stream().filter(n -> cluster.state(n).link("cni0").isPresent())
            .findFirst().orElseThrow();
    private final AdvertisedNode peer = cluster.node(cluster.names().stream().filter(n -> !n.equals(self))
            .findFirst().orElseThrow());

    private OwnSide.Walk walk(NodeState s) {
        return new OwnSide(s, cluster.node(self).podCidr(), "cni0", "flannel.1").toPeer(peer.podCidr(), peer.publicIp());
    }

    private static NodeState withRules(NodeState s, RoutingRule... added) {
        List<RoutingRule> rules = new ArrayList<>(s.rules());
        rules.addAll(List.of(added));
        return s.withRules(rules);
    }

    private static RoutingRule toTable(long priority, Ipv4Prefix dst, int table) {
        return new RoutingRule(priority, RoutingRule.Action.TO_TABLE, table, Optional.empty(), Optional.of(dst), false,
                Optional.empty(), Optional.empty(), 0, 0, 0, -1, 0, false);
    }

    private static Route typed(int table, Route.Type type, Ipv4Prefix dst) {
        return new Route(table, type, dst, Optional.empty(), Optional.empty(), 0, Scope.UNIVERSE, Route.Protocol.BOOT,
                Optional.empty(), 0);
    }

    @Test
    void everyPeerOfEveryHealthyNodeIsReachedOnEveryPlan() {
        for (ClusterPlan plan : List.of(ClusterPlan.field(5), ClusterPlan.field(5).withKernel(ClusterPlan.Kernel.RECENT))) {
            HealthyNodes nodes = HealthyNodes.of(plan);
            for (String name : nodes.names()) {
                OwnSide side = new OwnSide(nodes.state(name), nodes.node(name).podCidr(), "cni0", "flannel.1");
                for (String other : nodes.names()) {
                    if (!other.equals(name)) {
                        AdvertisedNode p = nodes.node(other);
                        OwnSide.Walk w = side.trace(p.podCidr(), p.publicIp());
                        assertThat(w.death()).as("%s -> %s", name, other).isEmpty();
                        assertThat(w.hops()).as("hops %s -> %s", name, other).anyMatch(h -> h.startsWith("fdb "));
                    }
                }
            }
        }
    }

    @Test
    void aRuleIntoATableWithABlackholeKillsThePodPacket() {
        NodeState s = withRules(KernelEdits.routes(cluster.state(self), r -> true,
                List.of(typed(100, Route.Type.BLACKHOLE, peer.podCidr()))), toTable(50, peer.podCidr(), 100));
        OwnSide.Death death = walk(s).death().orElseThrow();
        assertThat(death.hop()).isEqualTo("route lookup");
        assertThat(death.device()).isEqualTo("flannel.1");
        assertThat(death.why()).contains("found blackhole " + peer.podCidr() + " table 100 via rule 50")
                .contains("discards it silently");
    }

    @Test
    void aThrowRouteFallsThroughToMainAndASuppressedResultToo() {
        NodeState s = withRules(KernelEdits.routes(cluster.state(self), r -> true,
                List.of(typed(100, Route.Type.THROW, peer.podCidr()))), toTable(50, peer.podCidr(), 100));
        assertThat(walk(s).death()).isEmpty();
        RoutingRule suppressing = new RoutingRule(40, RoutingRule.Action.TO_TABLE, 101, Optional.empty(),
                Optional.empty(), false, Optional.empty(), Optional.empty(), 0, 0, 0, 0, 0, false);
        NodeState t = withRules(KernelEdits.routes(cluster.state(self), r -> true,
                List.of(typed(101, Route.Type.BLACKHOLE, Ipv4Prefix.parse("0.0.0.0/0")))), suppressing);
        assertThat(walk(t).death()).as("suppress_prefixlength 0 skips a default route").isEmpty();
    }

    @Test
    void aRefusingRuleActionIsNamedWithTheRule() {
        RoutingRule unreachable = new RoutingRule(60, RoutingRule.Action.UNREACHABLE, 0, Optional.empty(),
                Optional.of(peer.podCidr()), false, Optional.empty(), Optional.empty(), 0, 0, 0, -1, 0, false);
        OwnSide.Death death = walk(withRules(cluster.state(self), unreachable)).death().orElseThrow();
        assertThat(death.why()).contains("hits rule 60: from all to " + peer.podCidr() + " unreachable")
                .contains("host unreachable");
    }

    @Test
    void rulesThatDoNotSelectThePacketChangeNothing() {
        RoutingRule otherIif = new RoutingRule(60, RoutingRule.Action.BLACKHOLE, 0, Optional.empty(),
                Optional.empty(), false, Optional.of("eth0"), Optional.empty(), 0, 0, 0, -1, 0, false);
        RoutingRule marked = new RoutingRule(61, RoutingRule.Action.PROHIBIT, 0, Optional.empty(), Optional.empty(),
                false, Optional.empty(), Optional.empty(), 0x1, 0xFFFF_FFFFL, 0, -1, 0, false);
        RoutingRule invertedAll = new RoutingRule(62, RoutingRule.Action.BLACKHOLE, 0, Optional.empty(),
                Optional.empty(), true, Optional.empty(), Optional.empty(), 0, 0, 0, -1, 0, false);
        assertThat(walk(withRules(cluster.state(self), otherIif, marked, invertedAll)).death()).isEmpty();
    }

    @Test
    void aRuleSelectingOnWhatTheWalkDoesNotModelStopsItWithoutAVerdict() {
        RoutingRule ports = new RoutingRule(60, RoutingRule.Action.BLACKHOLE, 0, Optional.empty(), Optional.empty(),
                false, Optional.empty(), Optional.empty(), 0, 0, 0, -1, 0, true);
        assertThat(walk(withRules(cluster.state(self), ports)).death()).isEmpty();
    }

    @Test
    void aPodRouteLeavingThroughTheUnderlayNeverEntersTheOverlay() {
        NodeState s = KernelEdits.routes(cluster.state(self), r -> !r.dst().equals(peer.podCidr()), List.of());
        OwnSide.Death death = walk(s).death().orElseThrow();
        assertThat(death.why()).contains("leaves through eth0, not flannel.1");
    }

    @Test
    void theVxlanPacketDiesOnABlackholeForThePeersPublicIp() {
        Ipv4Prefix host = new Ipv4Prefix(peer.publicIp(), 32);
        NodeState s = withRules(KernelEdits.routes(cluster.state(self), r -> true,
                List.of(typed(100, Route.Type.PROHIBIT, host))), toTable(50, host, 100));
        OwnSide.Death death = walk(s).death().orElseThrow();
        assertThat(death.hop()).isEqualTo("underlay route lookup");
        assertThat(death.device()).isEqualTo("eth0");
        assertThat(death.why()).contains("prohibit " + peer.publicIp() + " table 100 via rule 50");
    }

    @Test
    void aFailedUnderlayNeighborOfThePeerKillsTheVxlanPacket() {
        NodeState healthy = cluster.state(self);
        Neighbor failed = new Neighbor(healthy.link("eth0").orElseThrow().ref(), peer.publicIp(), Optional.empty(),
                Neighbor.State.FAILED.bit());
        OwnSide.Death death = walk(KernelEdits.neighbors(healthy, n -> true, List.of(failed))).death().orElseThrow();
        assertThat(death.hop()).isEqualTo("underlay neighbor");
        assertThat(death.why()).contains(peer.publicIp() + " FAILED");
        Neighbor stale = new Neighbor(failed.dev(), peer.publicIp(), Optional.of(peer.vtepMac()),
                Neighbor.State.STALE.bit());
        assertThat(walk(KernelEdits.neighbors(healthy, n -> true, List.of(stale))).death()).isEmpty();
    }

    @Test
    void theForwardFiltersAreConsultedWhenTheSnapshotHasThem() {
        OwnSide.Death death = walk(cluster.state(self).withFirewall(Firewalls.FIREWALLD_DEFAULT)).death().orElseThrow();
        assertThat(death.hop()).isEqualTo("filter");
        assertThat(death.why()).contains("forwarded from cni0 to flannel.1 is dropped by");
    }

    @Test
    void anUnderlayDownOrAVtepWithoutCarrierIsNamed() {
        NodeState noCarrier = KernelEdits.mapLink(cluster.state(self), "flannel.1", l -> new dev.vxlab.detectors.state
                .Link(l.index(), l.name(), l.kind(), l.mac(), l.mtu(), l.flags() & ~(dev.vxlab.detectors.state.Link.Flag
                .mask(dev.vxlab.detectors.state.Link.Flag.RUNNING, dev.vxlab.detectors.state.Link.Flag.LOWER_UP)),
                l.operState(), l.master(), l.vxlan(), l.counters()));
        assertThat(walk(noCarrier).death().orElseThrow().why()).isEqualTo("flannel.1 is up but has no carrier (not LOWER_UP)");
        assertThat(OwnSide.podAddress(Ipv4Prefix.parse("10.187.3.0/24"))).isEqualTo(Ipv4.parse("10.187.3.2"));
    }

    @Test
    void theWayBackIsWalkedToo() {
        RoutingRule fromPeerPods = new RoutingRule(51, RoutingRule.Action.BLACKHOLE, 0, Optional.of(peer.podCidr()),
                Optional.empty(), false, Optional.empty(), Optional.empty(), 0, 0, 0, -1, 0, false);
        OwnSide.Walk w = walk(withRules(cluster.state(self), fromPeerPods));
        assertThat(w.death()).as("%s on %s", w.hops(), self).isPresent();
        OwnSide.Death pods = w.death().orElseThrow();
        assertThat(pods.hop()).isEqualTo("inbound route lookup");
        assertThat(pods.why()).contains("hits rule 51: from " + peer.podCidr() + " blackhole");

        RoutingRule fromPeerVtep = new RoutingRule(51, RoutingRule.Action.UNREACHABLE, 0,
                Optional.of(new Ipv4Prefix(peer.publicIp(), 32)), Optional.empty(), false, Optional.empty(),
                Optional.empty(), 0, 0, 0, -1, 0, false);
        // Rule 0 (lookup local) comes first and delivers it anyway: a rule after it cannot stop local delivery ...
        assertThat(walk(withRules(cluster.state(self), fromPeerVtep)).death()).isEmpty();
        // ... unless the local rule was moved behind it (as VRF setups do)
        List<RoutingRule> moved = new ArrayList<>(cluster.state(self).rules().stream().filter(r -> r.priority() != 0)
                .toList());
        moved.add(RoutingRule.lookup(1000, Route.TABLE_LOCAL));
        moved.add(fromPeerVtep);
        OwnSide.Death vxlan = walk(cluster.state(self).withRules(moved)).death().orElseThrow();
        assertThat(vxlan.hop()).isEqualTo("underlay input route lookup");
        assertThat(vxlan.device()).isEqualTo("eth0");
    }

    @Test
    void aDeviceThatDoesNotForwardIsNamedEachWay() {
        dev.vxlab.detectors.state.Sysctls c = cluster.state(self).sysctls();
        OwnSide.Death out = walk(KernelEdits.sysctls(cluster.state(self), new dev.vxlab.detectors.state.Sysctls(true,
                c.rpFilterAll(), c.rpFilterDefault(), c.rpFilter(), java.util.Set.of("cni0")))).death().orElseThrow();
        assertThat(out.hop()).isEqualTo("forwarding");
        assertThat(out.device()).isEqualTo("cni0");
        OwnSide.Death back = walk(KernelEdits.sysctls(cluster.state(self), new dev.vxlab.detectors.state.Sysctls(true,
                c.rpFilterAll(), c.rpFilterDefault(), c.rpFilter(), java.util.Set.of("flannel.1")))).death()
                .orElseThrow();
        assertThat(back.why()).startsWith("net.ipv4.conf.flannel/1.forwarding=0");
    }
}
