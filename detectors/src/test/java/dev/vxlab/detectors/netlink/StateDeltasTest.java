package dev.vxlab.detectors.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.spi.StatePart;
import dev.vxlab.detectors.state.Address;
import dev.vxlab.detectors.state.FdbEntry;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.LinkCounters;
import dev.vxlab.detectors.state.LinkRef;
import dev.vxlab.detectors.state.Neighbor;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.testkit.ClusterPlan;
import dev.vxlab.detectors.testkit.HealthyNodes;
import dev.vxlab.detectors.testkit.KernelEdits;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What {@link StateDeltas} makes of events it is handed, and what it refuses, on a prepared flannel node. */
class StateDeltasTest {
    private final HealthyNodes cluster = HealthyNodes.of(ClusterPlan.field(3));
    private final String name = cluster.names().getFirst();
    private final NodeState healthy = cluster.state(name);
    private final Link vtep = healthy.link("flannel.1").orElseThrow();

    private Route peerRoute() {
        return healthy.routesVia("flannel.1").stream().filter(r -> r.table() == Route.TABLE_MAIN).findFirst()
                .orElseThrow();
    }

    private static ChangeEvent routeEvent(Route r, boolean removed) {
        return new ChangeEvent.RouteChanged(r.table(), r.dst(), removed, Optional.of(r));
    }

    private static ChangeEvent linkEvent(Link l) {
        return new ChangeEvent.LinkChanged(l.index(), l.name(), false, Optional.of(l));
    }

    /** The device reference as a subscription that never heard the device's name makes it. */
    private static LinkRef unnamed(LinkRef ref) {
        return new LinkRef(ref.index(), "if" + ref.index());
    }

    private StateDeltas.Applied applied(List<ChangeEvent> events) {
        StateDeltas.Outcome outcome = StateDeltas.apply(healthy, events);
        assertThat(outcome).isInstanceOf(StateDeltas.Applied.class);
        return (StateDeltas.Applied) outcome;
    }

    private String refusal(NodeState last, List<ChangeEvent> events) {
        StateDeltas.Outcome outcome = StateDeltas.apply(last, events);
        assertThat(outcome).isInstanceOf(StateDeltas.Refused.class);
        return ((StateDeltas.Refused) outcome).reason();
    }

    @Test
    void aRemovedRouteGoesAndOnlyTheRoutesChanged() {
        Route gone = peerRoute();
        StateDeltas.Applied a = applied(List.of(routeEvent(gone, true)));
        assertThat(a.state()).isEqualTo(KernelEdits.routes(healthy, r -> !r.equals(gone), List.of()));
        assertThat(a.changed()).containsExactly(StatePart.ROUTES);
    }

    @Test
    void aRouteAddedBackIsNamedFromTheStateAndTheWholeIsTheStateAgain() {
        Route route = peerRoute();
        Route announced = new Route(route.table(), route.type(), route.dst(), route.gateway(),
                route.dev().map(StateDeltasTest::unnamed), route.flags(), route.scope(), route.protocol(),
                route.prefsrc(), route.metric());
        assertThat(applied(List.of(routeEvent(route, true), routeEvent(announced, false))).state()).isEqualTo(healthy);
    }

    @Test
    void eventsThatRepeatTheStateChangeNothing() {
        Address held = healthy.addressesOf("flannel.1").getFirst();
        StateDeltas.Applied a = applied(List.of(routeEvent(peerRoute(), false), linkEvent(vtep),
                new ChangeEvent.AddressChanged(held.link().index(), held.prefix(), false, Optional.of(held))));
        assertThat(a.changed()).isEmpty();
        assertThat(a.state()).isSameAs(healthy);
    }

    @Test
    void aNeighborMacChangeReplacesTheEntry() {
        Neighbor n = healthy.neighborsOf("flannel.1").getFirst();
        MacAddress other = MacAddress.parse("02:00:00:00:00:07");
        Neighbor changed = new Neighbor(unnamed(n.dev()), n.ip(), Optional.of(other), n.state());
        StateDeltas.Applied a = applied(List.of(new ChangeEvent.NeighborChanged(n.dev().index(), false, false,
                Optional.of(changed), Optional.empty())));
        assertThat(a.state().neighborsOf("flannel.1")).contains(new Neighbor(n.dev(), n.ip(), Optional.of(other),
                n.state()));
        assertThat(a.changed()).containsExactly(StatePart.NEIGHBORS);
    }

    @Test
    void anMtuChangeKeepsTheLastCountersAndAMacChangeIsApplied() {
        LinkCounters counters = new LinkCounters(1, 2, 3, 4, 5, 6, 7, 8, OptionalLong.of(9));
        NodeState last = KernelEdits.mapLink(healthy, "flannel.1", l -> new Link(l.index(), l.name(), l.kind(),
                l.mac(), l.mtu(), l.flags(), l.operState(), l.master(), l.vxlan(), Optional.of(counters)));
        MacAddress drifted = MacAddress.parse("02:00:00:00:00:09");
        Link announced = new Link(vtep.index(), vtep.name(), vtep.kind(), Optional.of(drifted), 1400, vtep.flags(),
                vtep.operState(), vtep.master(), vtep.vxlan(), Optional.empty());
        StateDeltas.Outcome outcome = StateDeltas.apply(last, List.of(linkEvent(announced)));
        assertThat(outcome).isInstanceOf(StateDeltas.Applied.class);
        Link now = ((StateDeltas.Applied) outcome).state().link("flannel.1").orElseThrow();
        assertThat(now.mtu()).isEqualTo(1400);
        assertThat(now.mac()).contains(drifted);
        assertThat(now.counters()).as("counters come from full snapshots only").contains(counters);
    }

    @Test
    void whatTheEventsDoNotTellIsRefused() {
        assertThat(refusal(healthy, List.of(new ChangeEvent.Overrun()))).contains("overrun");
        assertThat(refusal(healthy, List.of(new ChangeEvent.SysctlChanged(vtep.index())))).contains("sysctl");
        assertThat(refusal(healthy, List.of(new ChangeEvent.RouteChanged(254, peerRoute().dst(), true,
                Optional.empty())))).contains("could not be read");
        Link down = new Link(vtep.index(), vtep.name(), vtep.kind(), vtep.mac(), vtep.mtu(),
                vtep.flags() & ~Link.Flag.UP.bit(), vtep.operState(), vtep.master(), vtep.vxlan(), Optional.empty());
        assertThat(refusal(healthy, List.of(linkEvent(down)))).contains("up or down");
        Link renamed = new Link(vtep.index(), "flannel.2", vtep.kind(), vtep.mac(), vtep.mtu(), vtep.flags(),
                vtep.operState(), vtep.master(), vtep.vxlan(), Optional.empty());
        assertThat(refusal(healthy, List.of(linkEvent(renamed)))).contains("renamed");
        assertThat(refusal(healthy, List.of(new ChangeEvent.LinkChanged(vtep.index(), vtep.name(), true,
                Optional.of(vtep))))).contains("removed");
    }

    @Test
    void aRouteOrRemoteBesideADifferentOneUnderItsKeyIsRefused() {
        Route route = peerRoute();
        Route other = new Route(route.table(), route.type(), route.dst(), Optional.of(Ipv4.parse("10.1.2.3")),
                route.dev(), route.flags(), route.scope(), route.protocol(), route.prefsrc(), route.metric());
        assertThat(refusal(healthy, List.of(routeEvent(other, false)))).contains("appended or replaced");
        FdbEntry entry = healthy.fdbOf("flannel.1").getFirst();
        FdbEntry moved = new FdbEntry(entry.dev(), entry.mac(), Optional.of(Ipv4.parse("192.0.2.9")), entry.flags(),
                entry.state());
        assertThat(refusal(healthy, List.of(new ChangeEvent.NeighborChanged(entry.dev().index(), true, false,
                Optional.empty(), Optional.of(moved))))).contains("appended or replaced");
    }

    @Test
    void fdbEntriesOfOtherDevicesThanVxlanOnesAreNotKept() {
        Link bridge = healthy.link("cni0").orElseThrow();
        FdbEntry learned = new FdbEntry(bridge.ref(), MacAddress.parse("02:00:00:00:00:0a"), Optional.empty(), 0, 0x2);
        StateDeltas.Applied a = applied(List.of(new ChangeEvent.NeighborChanged(bridge.index(), true, false,
                Optional.empty(), Optional.of(learned))));
        assertThat(a.changed()).isEmpty();
    }

    @Test
    void anAddressWhoseRoutesTheKernelFlushesUnannouncedIsRefused() {
        Address underlay = healthy.addresses().stream()
                .filter(a -> healthy.routes().stream().anyMatch(r -> r.prefsrc().equals(Optional.of(
                        a.prefix().address())) && r.protocol().equals(Route.Protocol.KERNEL)))
                .findFirst().orElseThrow();
        assertThat(refusal(healthy, List.of(new ChangeEvent.AddressChanged(underlay.link().index(),
                underlay.prefix(), true, Optional.of(underlay))))).contains("address " + underlay);
    }

    @Test
    void aRecordNamingADeviceTheStateLacksIsRefused() {
        Neighbor n = healthy.neighborsOf("flannel.1").getFirst();
        Neighbor elsewhere = new Neighbor(new LinkRef(999, "if999"), n.ip(), n.mac(), n.state());
        assertThat(refusal(healthy, List.of(new ChangeEvent.NeighborChanged(999, false, false,
                Optional.of(elsewhere), Optional.empty())))).contains("999");
    }

    @Test
    void tryApplyIsTheStateOrEmpty() {
        assertThat(StateDeltas.tryApply(healthy, List.of(new ChangeEvent.Overrun()))).isEmpty();
        assertThat(StateDeltas.tryApply(healthy, List.of(routeEvent(peerRoute(), true))))
                .hasValueSatisfying(s -> assertThat(s.routes()).hasSize(healthy.routes().size() - 1));
        assertThat(Set.copyOf(StatePart.changed(healthy, healthy))).isEmpty();
    }
}
