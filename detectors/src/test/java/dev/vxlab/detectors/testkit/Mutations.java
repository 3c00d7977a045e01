package dev.vxlab.detectors.testkit;

import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.testkit.Mutation.VxlanAttribute;
import dev.vxlab.detectors.testkit.Mutation.WrongRouteKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Builds mutations for a node: one of each kind, or random ones (parameters drawn from a seeded Random). */
public final class Mutations {
    private Mutations() {}

    /** A representative of every kind that fits the node (pods, peers, a kernel that counts otherhost drops). */
    public static List<Mutation> oneOfEach(Target t) {
        Random r = new Random(42);
        List<Mutation> out = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            if (kind.fits(t)) {
                out.add(kind.make.apply(new Draw(r, t)));
            }
        }
        return out;
    }

    /** A random mutation of a random kind that fits the node. */
    public static Mutation random(Random r, Target t) {
        List<Kind> fitting = List.of(Kind.values()).stream().filter(k -> k.fits(t) && k.random).toList();
        return fitting.get(r.nextInt(fitting.size())).make.apply(new Draw(r, t));
    }

    /** A unicast MAC no node advertises: an old VtepMAC of a peer that re-published. */
    public static MacAddress unadvertisedMac(Random r, Target t) {
        Set<MacAddress> advertised = t.cluster().view().nodes().stream().map(AdvertisedNode::vtepMac)
                .collect(Collectors.toSet());
        MacAddress mac;
        do {
            mac = MacAddress.randomLocal(r);
        } while (advertised.contains(mac));
        return mac;
    }

    private record Draw(Random r, Target t) {
        String peer() {
            List<AdvertisedNode> peers = t.peers();
            return peers.get(r.nextInt(peers.size())).name();
        }

        String veth() {
            List<String> veths = t.veths();
            return veths.get(r.nextInt(veths.size()));
        }

        <E> E pick(List<E> options) {
            return options.get(r.nextInt(options.size()));
        }
    }

    /**
     * The kinds of mutation. {@code random=false} kinds are left out of random combinations because another
     * mutation could legitimately turn their evidence into a different fault (a route via eth0 vanishes when eth0
     * goes down, leaving a missing route, not a wrong one); the single-fault tests still cover them.
     */
    private enum Kind {
        DRIFT(Needs.ANY, true, d -> new Mutation.DriftVtepMac(unadvertisedMac(d.r, d.t))),
        DELETE_VXLAN(Needs.ANY, true, d -> new Mutation.DeleteVxlan()),
        VXLAN_CONFIG(Needs.ANY, true, d -> new Mutation.VxlanConfig(d.pick(List.of(VxlanAttribute.values())))),
        VTEP_DOWN(Needs.ANY, true, d -> new Mutation.VtepDown()),
        UNDERLAY_DOWN(Needs.ANY, true, d -> new Mutation.UnderlayDown()),
        REMOVE_VTEP_ADDRESS(Needs.ANY, true, d -> new Mutation.RemoveVtepAddress()),
        OTHERHOST(Needs.OTHERHOST_COUNTER, true, d -> new Mutation.OtherhostRise(1 + d.r.nextInt(500))),
        DROP_ROUTE(Needs.PEER, true, d -> new Mutation.DropRoute(d.peer())),
        FLUSH_ROUTES(Needs.PEER, true, d -> new Mutation.FlushRoutes()),
        WRONG_ROUTE(Needs.PEER, true, d -> {
            String peer = d.peer();
            List<String> others = d.t.peers().stream().map(AdvertisedNode::name).filter(n -> !n.equals(peer)).toList();
            return others.isEmpty() || d.r.nextBoolean()
                    ? new Mutation.WrongRoute(peer, WrongRouteKind.BLACKHOLE, "")
                    : new Mutation.WrongRoute(peer, WrongRouteKind.OTHER_VTEP, d.pick(others));
        }),
        WRONG_ROUTE_VIA_UNDERLAY(Needs.PEER, false,
                d -> new Mutation.WrongRoute(d.peer(), WrongRouteKind.VIA_UNDERLAY_GATEWAY, "")),
        DROP_NEIGHBOR(Needs.PEER, true, d -> new Mutation.DropNeighbor(d.peer(), d.r.nextBoolean())),
        STALE_NEIGHBOR(Needs.PEER, true, d -> new Mutation.StaleNeighbor(d.peer(), unadvertisedMac(d.r, d.t))),
        DROP_FDB(Needs.PEER, true, d -> new Mutation.DropFdb(d.peer())),
        STALE_FDB(Needs.PEER, true, d -> new Mutation.StaleFdb(d.peer(), unadvertisedMac(d.r, d.t))),
        WRONG_FDB_DST(Needs.PEER, true,
                d -> new Mutation.WrongFdbDst(d.peer(), d.t.cluster().unusedUnderlayAddress())),
        REMOVE_BRIDGE_ADDRESS(Needs.PODS, true, d -> new Mutation.RemoveBridgeAddress()),
        BRIDGE_DOWN(Needs.PODS, true, d -> new Mutation.BridgeDown()),
        VETH_DOWN(Needs.PODS, true, d -> new Mutation.VethDown(d.veth())),
        DETACH_PORT(Needs.PODS, true, d -> new Mutation.DetachPort(d.veth())),
        // flannel.1 a little smaller; eth0 smaller than flannel.1 + 50 even then; cni0 and veths off either way.
        MTU_VTEP(Needs.ANY, true, d -> new Mutation.Mtu(d.t.vtep(), d.t.overlayMtu() - 20)),
        MTU_UNDERLAY(Needs.ANY, true, d -> new Mutation.Mtu("eth0", d.t.overlayMtu() + 20)),
        MTU_BRIDGE(Needs.PODS, true, d -> new Mutation.Mtu(d.t.bridge(),
                d.r.nextBoolean() ? d.t.overlayMtu() + 50 : d.t.overlayMtu() - 100)),
        MTU_VETH(Needs.PODS, true, d -> new Mutation.Mtu(d.veth(), d.t.overlayMtu() + 50)),
        IP_FORWARD(Needs.ANY, true, d -> new Mutation.IpForwardOff()),
        // Not random: path-broken defers to any other finding on the VXLAN device or node-wide, so a second fault
        // may legitimately take its place.
        POLICY_BLACKHOLE(Needs.PEER, false, d -> new Mutation.PolicyBlackhole(d.peer())),
        RP_FILTER(Needs.ANY, true, d -> new Mutation.RpFilterStrict(d.pick(List.of(d.t.vtep(), "all")))),
        RP_FILTER_BRIDGE(Needs.PODS, true, d -> new Mutation.RpFilterStrict(d.t.bridge())),
        RENUMBER_UNDERLAY(Needs.ANY, true,
                d -> new Mutation.RenumberUnderlay(d.t.cluster().unusedUnderlayAddress())),
        DROP_DEFAULT_ROUTE(Needs.ANY, true, d -> new Mutation.DropDefaultRoute()),
        UNDERLAY_NO_CARRIER(Needs.ANY, true, d -> new Mutation.UnderlayNoCarrier()),
        UNREACHABLE_PEER_IP(Needs.PEER, true, d -> new Mutation.UnreachablePeerIp(d.peer())),
        CLONE_VTEP_MAC(Needs.PEER, true, d -> new Mutation.CloneVtepMac(d.peer())),
        NM(Needs.ANY, true, d -> new Mutation.NmManages(d.pick(List.of(List.of(), List.of("interface-name:docker0"),
                List.of("interface-name:flannel*", "interface-name:cni0"), List.of("interface-name:flannel.1",
                        "interface-name:veth*", "interface-name:cni0"))))),
        FORWARD_POLICY_DROP(Needs.PEER, true, d -> new Mutation.ForwardPolicyDrop()),
        VXLAN_PORT_DROP(Needs.PEER, true, d -> new Mutation.VxlanPortDrop()),
        MASQUERADE_MISSING(Needs.ANY, true, d -> new Mutation.MasqueradeMissing());

        private enum Needs { ANY, PEER, PODS, OTHERHOST_COUNTER }

        private final Needs needs;
        private final boolean random;
        private final Function<Draw, Mutation> make;

        Kind(Needs needs, boolean random, Function<Draw, Mutation> make) {
            this.needs = needs;
            this.random = random;
            this.make = make;
        }

        boolean fits(Target t) {
            return switch (needs) {
                case ANY -> true;
                case PEER -> !t.peers().isEmpty();
                case PODS -> t.hasPods();
                case OTHERHOST_COUNTER -> t.cluster().plan().kernel() == ClusterPlan.Kernel.RECENT;
            };
        }
    }
}
