package dev.vxlab.detectors.model;

import static dev.vxlab.detectors.model.FlannelCluster.COREDNS;
import static dev.vxlab.detectors.model.FlannelCluster.COREDNS_IP;
import static dev.vxlab.detectors.model.FlannelCluster.DRIFTED;
import static dev.vxlab.detectors.model.FlannelCluster.N19;
import static dev.vxlab.detectors.model.FlannelCluster.N20;
import static dev.vxlab.detectors.model.FlannelCluster.N21;
import static dev.vxlab.detectors.model.FlannelCluster.appIp;
import static dev.vxlab.detectors.model.FlannelCluster.down;
import static dev.vxlab.detectors.model.FlannelCluster.link;
import static dev.vxlab.detectors.model.FlannelCluster.nomaster;
import static dev.vxlab.detectors.model.FlannelCluster.withMac;
import static dev.vxlab.detectors.model.FlannelCluster.withMtu;
import static dev.vxlab.detectors.model.FlannelCluster.withoutRoutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.model.Hop.Step;
import dev.vxlab.detectors.model.Verdict.Cause;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.Neighbor;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.state.Scope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DataplaneModelTest {
    private static final String F = N19;
    private static final List<String> NODES = List.of(N19, N20, N21);

    /** The matrix of the lab: every node and app pod against every pod, as HTTP GETs of a large body. */
    private static Map<Flow, String> matrix() {
        List<String> sources = new ArrayList<>(NODES);
        NODES.forEach(n -> sources.add("app@" + n));
        Map<String, Ipv4> targets = new LinkedHashMap<>();
        NODES.forEach(n -> targets.put("app@" + n, appIp(n)));
        targets.put(COREDNS, COREDNS_IP);
        Map<Flow, String> cells = new LinkedHashMap<>();
        for (String source : sources) {
            targets.forEach((label, ip) -> cells.put(new Flow(source, ip, Transfer.LARGE_REPLY), source + " -> " + label));
        }
        return cells;
    }

    private static Set<String> broken(DataplaneModel model) {
        Map<Flow, String> cells = matrix();
        Set<String> broken = new TreeSet<>();
        model.reachability(List.copyOf(cells.keySet())).forEach((flow, ok) -> {
            if (!ok) {
                broken.add(cells.get(flow));
            }
        });
        return broken;
    }

    private static Set<String> expected(BiPredicate<String, String> brokenPath) {
        Set<String> expected = new TreeSet<>();
        for (String cell : matrix().values()) {
            String[] ends = cell.split(" -> ");
            if (brokenPath.test(ends[0], ends[1])) {
                expected.add(cell);
            }
        }
        return expected;
    }

    private static boolean on(String namespace, String node) {
        return namespace.equals(node) || namespace.endsWith("@" + node);
    }

    // The same expectations as the lab's FaultsBreakExactlyTheirPathsTest, for faults on node F = .19.
    private static final BiPredicate<String, String> CROSSES_F = (s, t) -> on(s, F) != on(t, F);
    private static final BiPredicate<String, String> POD_ON_F_CUT_OFF = (s, t) -> !s.equals(t)
            && (s.equals("app@" + F) || on(t, F));
    private static final BiPredicate<String, String> FORWARDED_BY_F = (s, t) -> !s.equals(t)
            && (s.equals("app@" + F) || (on(t, F) && !s.equals(F)));
    private static final BiPredicate<String, String> BIG_REPLIES_INTO_F = (s, t) -> on(s, F) && !on(t, F);

    static Stream<Arguments> faults() {
        return Stream.of(
                Arguments.of("healthy", (UnaryOperator<NodeState>) s -> s, (BiPredicate<String, String>) (s, t) -> false),
                Arguments.of("field bug: flannel.1's MAC drifted", link("flannel.1", withMac(DRIFTED)), CROSSES_F),
                Arguments.of("routes via flannel.1 flushed",
                        withoutRoutes(r -> r.dev().filter(d -> d.name().equals("flannel.1")).isPresent()
                                && r.table() == Route.TABLE_MAIN), CROSSES_F),
                Arguments.of("one route missing (to .21's subnet)",
                        withoutRoutes(r -> r.dst().toString().equals("10.187.1.0/24")),
                        (BiPredicate<String, String>) (s, t) -> (on(s, F) && on(t, N21)) || (on(s, N21) && on(t, F))),
                Arguments.of("flannel.1's neighbors flushed",
                        FlannelCluster.withoutNeighbors(n -> n.dev().name().equals("flannel.1")), CROSSES_F),
                Arguments.of("flannel.1's FDB flushed", FlannelCluster.withoutFdb(e -> true), CROSSES_F),
                Arguments.of("flannel.1 down (routes still listed)", link("flannel.1", down()), CROSSES_F),
                Arguments.of("cni0 down", link("cni0", down()), POD_ON_F_CUT_OFF),
                Arguments.of("app pod's veth detached from cni0",
                        link(FlannelCluster.hostVeth("app@" + F), nomaster()), POD_ON_F_CUT_OFF),
                Arguments.of("ip_forward off", FlannelCluster.sysctls(FlannelCluster.sysctls(false, 0)), FORWARDED_BY_F),
                Arguments.of("rp_filter strict everywhere", FlannelCluster.sysctls(FlannelCluster.sysctls(true, 1)),
                        (BiPredicate<String, String>) (s, t) -> false),
                Arguments.of("eth0 mtu 1400", link("eth0", withMtu(1400)), BIG_REPLIES_INTO_F));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void faultOnNode19BreaksExactlyItsPaths(String name, UnaryOperator<NodeState> fault,
            BiPredicate<String, String> brokenPath) {
        DataplaneModel model = FlannelCluster.healthy().edit(F, fault).model();
        assertThat(broken(model)).as(name).isEqualTo(expected(brokenPath));
    }
    @Test
    void fieldBugTheSynArrivesAndTheSynAckIsDroppedAsOtherhostOnTheDriftedNode() {
        DataplaneModel model = FlannelCluster.healthy().edit(N19, link("flannel.1", withMac(DRIFTED))).model();

        Exchange exchange = model.exchange(N19, COREDNS_IP);

        assertThat(exchange.succeeded()).isFalse();
        assertThat(exchange.packets()).hasSize(2);
        assertThat(exchange.request().src()).contains(Ipv4.parse("10.187.0.0"));
        assertThat(exchange.request().verdict()).isEqualTo(new Verdict.Delivered(COREDNS, COREDNS_IP));
        Verdict.Dropped dropped = (Verdict.Dropped) exchange.last().verdict();
        assertThat(dropped.node()).isEqualTo(N19);
        assertThat(dropped.device()).isEqualTo("flannel.1");
        assertThat(dropped.cause()).isEqualTo(Cause.OTHERHOST);
        assertThat(exchange.summary()).isEqualTo("SYN 10.187.0.0 -> 10.187.1.24: delivered to " + COREDNS
                + " (10.187.1.24); SYN-ACK 10.187.1.24 -> 10.187.0.0: sent to VTEP MAC ea:77:37:86:ee:bf but"
                + " 172.31.159.19's flannel.1 is b6:9b:ed:b0:37:74: dropped as otherhost on 172.31.159.19");
        // .21 still encapsulates to the advertised MAC, and the frame does reach .19 (tcpdump would show it there).
        assertThat(exchange.last().hops()).extracting(Hop::node, Hop::step, Hop::text)
                .contains(org.assertj.core.groups.Tuple.tuple(N21, Step.FDB, "ea:77:37:86:ee:bf dst 172.31.159.19"),
                        org.assertj.core.groups.Tuple.tuple(N19, Step.DECAPSULATE,
                                "vni 1 from 172.31.159.21, inner frame to ea:77:37:86:ee:bf"));
    }

    @Test
    void healthyTraceShowsEveryHopOfTheVxlanPath() {
        Trace trace = FlannelCluster.healthy().model().trace(N19, COREDNS_IP);

        assertThat(trace.verdict()).isEqualTo(new Verdict.Delivered(COREDNS, COREDNS_IP));
        assertThat(trace.hops()).extracting(Hop::node, Hop::step).containsExactly(
                org.assertj.core.groups.Tuple.tuple(N19, Step.ROUTE),
                org.assertj.core.groups.Tuple.tuple(N19, Step.NEIGHBOR),
                org.assertj.core.groups.Tuple.tuple(N19, Step.FDB),
                org.assertj.core.groups.Tuple.tuple(N19, Step.ENCAPSULATE),
                org.assertj.core.groups.Tuple.tuple(N19, Step.ROUTE),
                org.assertj.core.groups.Tuple.tuple(N19, Step.NEIGHBOR),
                org.assertj.core.groups.Tuple.tuple(N19, Step.WIRE),
                org.assertj.core.groups.Tuple.tuple(N21, Step.ROUTE),
                org.assertj.core.groups.Tuple.tuple(N21, Step.DECAPSULATE),
                org.assertj.core.groups.Tuple.tuple(N21, Step.ROUTE),
                org.assertj.core.groups.Tuple.tuple(N21, Step.NEIGHBOR),
                org.assertj.core.groups.Tuple.tuple(N21, Step.WIRE),
                org.assertj.core.groups.Tuple.tuple(COREDNS, Step.ROUTE),
                org.assertj.core.groups.Tuple.tuple(COREDNS, Step.DELIVER));
        assertThat(trace.hops()).extracting(Hop::text).startsWith(
                "10.187.1.0/24 via 10.187.1.0 dev flannel.1 onlink src 10.187.0.0",
                "10.187.1.0 lladdr 2a:f1:d4:d0:32:24 PERMANENT",
                "2a:f1:d4:d0:32:24 dst 172.31.159.21",
                "encapsulate to 172.31.159.21:8472 vni 1 (110 bytes)");
        assertThat(trace.hops().get(9).text()).isEqualTo("forward from flannel.1: 10.187.1.0/24 dev cni0 src 10.187.1.1");
        assertThat(trace.render()).startsWith("SYN 10.187.0.0 -> 10.187.1.24 (60 bytes, DF) from 172.31.159.19\n")
                .contains("  172.31.159.19          route        flannel.1  10.187.1.0/24 via 10.187.1.0 dev flannel.1"
                        + " onlink src 10.187.0.0\n")
                .endsWith("  = delivered to coredns@172.31.159.21 (10.187.1.24)\n");
    }

    @Test
    void ownFlannelAddressIsLocalNotAFault() {
        Trace trace = FlannelCluster.healthy().model().trace(N19, Ipv4.parse("10.187.0.0"));

        assertThat(trace.verdict()).isEqualTo(new Verdict.Delivered(N19, Ipv4.parse("10.187.0.0")));
        assertThat(trace.hops().getFirst().text()).isEqualTo("local 10.187.0.0 dev flannel.1 table local src 10.187.0.0");
    }

    @Test
    void missingRouteWithoutDefaultIsNoRouteAndWithDefaultLeavesTheModel() {
        UnaryOperator<NodeState> noPeerRoute = withoutRoutes(r -> r.dst().toString().equals("10.187.1.0/24"));
        FlannelCluster cluster = FlannelCluster.healthy().edit(N19, noPeerRoute);

        Verdict viaGateway = cluster.model().trace(N19, COREDNS_IP).verdict();
        assertThat(viaGateway).isInstanceOfSatisfying(Verdict.Dropped.class, d -> {
            assertThat(d.cause()).isEqualTo(Cause.OUTSIDE_MODEL);
            assertThat(d.fact()).startsWith("sent out eth0 to 172.31.159.254");
        });

        cluster.edit(N19, withoutRoutes(Route::isDefault));
        assertThat(cluster.model().trace(N19, COREDNS_IP).verdict().describe())
                .isEqualTo("no route to 10.187.1.24: dropped on 172.31.159.19");
    }

    @Test
    void missingNeighborOnANolearningVxlanDeviceCannotBeResolved() {
        DataplaneModel model = FlannelCluster.healthy()
                .edit(N19, FlannelCluster.withoutNeighbors(n -> n.ip().equals(Ipv4.parse("10.187.1.0")))).model();

        assertThat(model.trace(N19, COREDNS_IP).verdict().describe()).isEqualTo("no neighbor for 10.187.1.0 on"
                + " flannel.1: a nolearning VXLAN device has no way to resolve it (flanneld programs these entries):"
                + " dropped on 172.31.159.19");
        // Only that peer: .20 is still reached.
        assertThat(model.exchange(N19, appIp(N20), Transfer.LARGE_REPLY).succeeded()).isTrue();
    }

    @Test
    void missingFdbEntryMeansNoVtepToSendTo() {
        DataplaneModel model = FlannelCluster.healthy()
                .edit(N19, FlannelCluster.withoutFdb(e -> e.dst().orElseThrow().toString().equals("172.31.159.21")))
                .model();

        Verdict.Dropped dropped = (Verdict.Dropped) model.trace("app@" + N19, COREDNS_IP).verdict();
        assertThat(dropped.cause()).isEqualTo(Cause.NO_FDB);
        assertThat(dropped.describe()).isEqualTo("no FDB entry for 2a:f1:d4:d0:32:24 on flannel.1: no VTEP to send it"
                + " to: dropped on 172.31.159.19");
    }

    @Test
    void flannelDeviceDownStopsBothDirections() {
        DataplaneModel model = FlannelCluster.healthy().edit(N19, link("flannel.1", down())).model();

        // Outbound: the routes through flannel.1 are unusable, so the default route takes the packet to the gateway.
        assertThat(((Verdict.Dropped) model.trace(N19, COREDNS_IP).verdict()).cause()).isEqualTo(Cause.OUTSIDE_MODEL);
        // Inbound: the peers still send, but nothing listens on UDP 8472 any more.
        assertThat(model.trace(N20, appIp(N19)).verdict().describe()).isEqualTo("172.31.159.19's flannel.1 is down:"
                + " nothing listens on UDP 8472 for vni 1: dropped on 172.31.159.19");
    }

    @Test
    void ipForwardOffStopsOnlyForwardedPackets() {
        DataplaneModel model = FlannelCluster.healthy()
                .edit(N21, FlannelCluster.sysctls(FlannelCluster.sysctls(false, 0))).model();

        assertThat(model.exchange(N21, COREDNS_IP, Transfer.LARGE_REPLY).succeeded()).isTrue();
        Verdict.Dropped dropped = (Verdict.Dropped) model.trace("app@" + N19, COREDNS_IP).verdict();
        assertThat(dropped.cause()).isEqualTo(Cause.FORWARDING_OFF);
        assertThat(dropped.describe()).isEqualTo("net.ipv4.ip_forward=0: 172.31.159.21 does not forward 10.187.1.24"
                + " from flannel.1 to cni0: dropped on 172.31.159.21");
    }

    @Test
    void detachedBridgePortCutsThePodOffTheBridge() {
        String veth = FlannelCluster.hostVeth(COREDNS);
        DataplaneModel model = FlannelCluster.healthy().edit(N21, link(veth, nomaster())).model();

        // cni0 still has the app pod's port, so it has carrier; ARP for the pod finds nobody behind it.
        Verdict.Dropped fromNode = (Verdict.Dropped) model.trace(N21, COREDNS_IP).verdict();
        assertThat(fromNode.cause()).isEqualTo(Cause.NO_NEIGHBOR);
        assertThat(fromNode.fact()).isEqualTo("no neighbor for 10.187.1.24 on cni0, and nothing behind it (cni0 on"
                + " 172.31.159.21) owns that address to answer ARP");
        // The pod itself still reaches the node: the detached veth answers ARP for the node's addresses
        // (arp_ignore=0), the node forwards, but the reply goes to cni0 and no port of it leads back.
        Exchange out = model.exchange(COREDNS, appIp(N20));
        assertThat(out.request().delivered()).isTrue();
        assertThat(out.request().hops()).extracting(Hop::text)
                .contains("veth to " + veth + " on 172.31.159.21 (no bridge port)");
        assertThat(out.last().verdict().describe()).startsWith("no neighbor for 10.187.1.24 on cni0");
    }

    @Test
    void aCachedNeighborForADetachedPodIsForwardedNowhereByTheBridge() {
        String veth = FlannelCluster.hostVeth(COREDNS);
        Neighbor cached = new Neighbor(FlannelCluster.CNI0, COREDNS_IP, Optional.of(FlannelCluster.mac(FlannelCluster.podMac(2, 24))),
                Neighbor.State.REACHABLE.bit());
        DataplaneModel model = FlannelCluster.healthy()
                .edit(N21, FlannelCluster.plusNeighbor(cached)).edit(N21, link(veth, nomaster())).model();

        assertThat(model.trace(N21, COREDNS_IP).verdict().describe()).isEqualTo("no port of cni0 on 172.31.159.21"
                + " leads to MAC 0a:58:0a:bb:02:18 (next hop 10.187.1.24): dropped on 172.31.159.21");
    }

    @Test
    void strictReversePathFilterDropsAsymmetricTraffic() {
        // .21 routes replies for .19's subnet out eth0 (say, a stale host-gw route): with rp_filter strict, a packet
        // from .19's pod arriving on flannel.1 fails the reverse-path check.
        DataplaneModel model = FlannelCluster.healthy()
                .edit(N21, withoutRoutes(r -> r.dst().toString().equals("10.187.0.0/24")))
                .edit(N21, FlannelCluster.plusRoute(FlannelCluster.route(Route.TABLE_MAIN, Route.Type.UNICAST,
                        "10.187.0.0/24", "172.31.159.19", FlannelCluster.ETH0, 0, Scope.UNIVERSE, null)))
                .edit(N21, FlannelCluster.sysctls(FlannelCluster.sysctls(true, 1)))
                .model();

        Verdict.Dropped dropped = (Verdict.Dropped) model.trace("app@" + N19, COREDNS_IP).verdict();
        assertThat(dropped.cause()).isEqualTo(Cause.SOURCE_REJECTED);
        assertThat(dropped.fact()).isEqualTo("rp_filter=1 (strict) on flannel.1: the route back to 10.187.0.2"
                + " leaves through eth0, not flannel.1");
    }

    @Test
    void pathMtuDiscoveryShrinksThePodsSegmentsToFlannelsMtu() {
        // Pods have eth0 mtu 1500 while flannel.1 has 1450: the first full-size reply is too big for the server's
        // node to forward, the node says so with ICMP frag-needed, and the server sends 1450-byte segments.
        Exchange exchange = FlannelCluster.healthy().model().exchange("app@" + N20, COREDNS_IP, Transfer.LARGE_REPLY);

        assertThat(exchange.succeeded()).isTrue();
        assertThat(exchange.packets()).extracting(t -> t.packet().label() + " " + t.packet().size())
                .containsExactly("SYN 60", "SYN-ACK 60", "data 1500", "ICMP frag-needed 56", "data 1450");
        assertThat(exchange.packets().get(2).verdict().describe()).isEqualTo("1500-byte packet with DF does not fit"
                + " flannel.1 (mtu 1450); ICMP frag-needed (mtu 1450) goes back to 10.187.1.24: dropped on 172.31.159.21");
    }

    @Test
    void shrunkenUnderlayMtuDropsLargeRepliesSilentlyButFragmentsLargeRequests() {
        DataplaneModel model = FlannelCluster.healthy().edit(N19, link("eth0", withMtu(1400))).model();

        Exchange into19 = model.exchange(N19, COREDNS_IP, Transfer.LARGE_REPLY);
        assertThat(into19.succeeded()).isFalse();
        assertThat(into19.last().verdict().describe()).isEqualTo("1500-byte frame from 172.31.159.21 does not fit"
                + " 172.31.159.19's eth0 (mtu 1400); no ICMP tells the sender: dropped silently on 172.31.159.19");
        assertThat(model.exchange(N19, COREDNS_IP).succeeded()).as("the handshake is small").isTrue();

        Exchange outOf19 = model.exchange(N21, appIp(N19), Transfer.LARGE_REPLY);
        assertThat(outOf19.succeeded()).isTrue();
        assertThat(outOf19.last().hops()).extracting(Hop::text).contains("1500-byte packet fragmented to fit eth0"
                + " (mtu 1400): VXLAN leaves DF clear on the outer header");
    }

    @Test
    void reachabilityKeepsTheFlowsOrder() {
        List<Flow> flows = List.of(new Flow(N20, COREDNS_IP), new Flow(N19, appIp(N19)),
                new Flow("app@" + N21, appIp(N21), Transfer.LARGE_REPLY));
        Map<Flow, Boolean> result = FlannelCluster.healthy().edit(N19, link("cni0", down())).model().reachability(flows);

        assertThat(result.keySet()).containsExactlyElementsOf(flows);
        assertThat(result.values()).containsExactly(true, false, true);
    }

    @Test
    void unknownNamespaceOrAttachmentIsOneSentence() {
        DataplaneModel model = FlannelCluster.healthy().model();
        assertThatThrownBy(() -> model.trace("nope", COREDNS_IP)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("no namespace 'nope' in the model");
        FlannelCluster cluster = FlannelCluster.healthy();
        cluster.attachments.add(new PodAttachment("ghost@x", N19, "veth0"));
        assertThatThrownBy(cluster::model).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pod attachment names unknown pod 'ghost@x'");
    }

    @Test
    void aDownDevicesRoutesAreSkippedForShorterPrefixes() {
        // Two routes to .21's subnet: the longer one through a down dummy device is unusable, so the /24 is used.
        Link dummy = new Link(9, "dummy0", Optional.of("dummy"), Optional.of(FlannelCluster.mac(0x02_00_00_00_00_09L)),
                1500, 0, Link.OperState.DOWN, Optional.empty(), Optional.empty(), Optional.empty());
        DataplaneModel model = FlannelCluster.healthy()
                .edit(N19, s -> new NodeState(Stream.concat(s.links().stream(), Stream.of(dummy)).toList(),
                        s.addresses(), s.routes(), s.neighbors(), s.fdb(), s.sysctls(), s.networkManager()))
                .edit(N19, FlannelCluster.plusRoute(FlannelCluster.route(Route.TABLE_MAIN, Route.Type.UNICAST,
                        "10.187.1.0/25", null, dummy.ref(), 0, Scope.LINK, null)))
                .model();

        assertThat(model.exchange(N19, COREDNS_IP).succeeded()).isTrue();
    }

    @Test
    void blackholeRouteRefusesThePacket() {
        DataplaneModel model = FlannelCluster.healthy()
                .edit(N19, FlannelCluster.plusRoute(FlannelCluster.route(Route.TABLE_MAIN, Route.Type.BLACKHOLE,
                        "10.187.1.24/32", null, null, 0, Scope.UNIVERSE, null)))
                .model();

        Verdict.Dropped dropped = (Verdict.Dropped) model.trace(N19, COREDNS_IP).verdict();
        assertThat(dropped.cause()).isEqualTo(Cause.NO_ROUTE);
        assertThat(dropped.fact()).isEqualTo("route blackhole 10.187.1.24 refuses 10.187.1.24");
    }

    /**
     * Found by the property suites (model tier): a peer whose underlay device is down holds the VTEP address the FDB
     * sends to, so the drop is that device's, not "no node's underlay address" outside the snapshots.
     */
    @Test
    void aPeerWithItsUnderlayDownIsWhereTheFrameDies() {
        DataplaneModel model = FlannelCluster.healthy().edit(N20, link("eth0", down())).model();

        Trace syn = model.exchange(N19, appIp(N20)).request();

        assertThat(syn.verdict()).isInstanceOfSatisfying(Verdict.Dropped.class, d -> {
            assertThat(d.node()).isEqualTo(N20);
            assertThat(d.device()).isEqualTo("eth0");
            assertThat(d.cause()).isEqualTo(Cause.LINK_DOWN);
            assertThat(d.fact()).isEqualTo("172.31.159.20 is 172.31.159.20's eth0, which is down: nothing answers ARP"
                    + " for it from 172.31.159.19");
        });
    }

    /** The same found on the real kernel: with the peer's eth0 MAC still cached, the frame dies at that down eth0. */
    @Test
    void aFrameToTheCachedMacOfADownUnderlayDiesThere() {
        Ipv4 n20 = Ipv4.parse(N20);
        dev.vxlab.detectors.addr.MacAddress n20Eth0 = FlannelCluster.mac(0x02_42_ac_1f_00_00L + (n20.bits() & 0xffff));
        DataplaneModel model = FlannelCluster.healthy()
                .edit(N19, FlannelCluster.plusNeighbor(new Neighbor(FlannelCluster.ETH0, n20, Optional.of(n20Eth0),
                        Neighbor.State.REACHABLE.bit())))
                .edit(N20, link("eth0", down())).model();

        Trace syn = model.exchange(N19, appIp(N20)).request();

        assertThat(syn.verdict()).isInstanceOfSatisfying(Verdict.Dropped.class, d -> {
            assertThat(d.node()).isEqualTo(N20);
            assertThat(d.cause()).isEqualTo(Cause.LINK_DOWN);
            assertThat(d.fact()).isEqualTo("frame to 172.31.159.20 sent to MAC " + n20Eth0 + ", 172.31.159.20's eth0,"
                    + " which is down: it does not receive");
        });
    }

    /**
     * Found by the property suites (kernel tier, seed 5116171018760808099, shrunk to an eth0 of 1497): the kernel takes
     * a received frame up to its MTU plus a VLAN tag, so 1500-byte VXLAN frames still enter an eth0 of 1497, not 1495.
     */
    @Test
    void aReceivedFrameMayExceedTheMtuByAVlanTag() {
        assertThat(FlannelCluster.healthy().edit(N19, link("eth0", withMtu(1497))).model()
                .exchange(N19, COREDNS_IP, Transfer.LARGE_REPLY).succeeded()).isTrue();
        assertThat(FlannelCluster.healthy().edit(N19, link("eth0", withMtu(1495))).model()
                .exchange(N19, COREDNS_IP, Transfer.LARGE_REPLY).succeeded()).isFalse();
    }

    @Test
    void aNicWithoutAKindTakesFramesLargerThanItsMtu() {
        // virtio-net under qemu: a smaller eth0 MTU still receives the peers' 1500-byte VXLAN frames
        assertThat(FlannelCluster.healthy().edit(N19, link("eth0", l -> new Link(l.index(), l.name(),
                Optional.empty(), l.mac(), 1400, l.flags(), l.operState(), l.master(), l.vxlan(), l.counters())))
                .model().exchange(N19, COREDNS_IP, Transfer.LARGE_REPLY).succeeded()).isTrue();
        assertThat(FlannelCluster.healthy().edit(N19, link("eth0", withMtu(1400))).model()
                .exchange(N19, COREDNS_IP, Transfer.LARGE_REPLY).succeeded()).as("the same MTU on a veth").isFalse();
    }

    @Test
    void aFirewallDroppingTheVxlanPortDropsTheSynOnArrivalNamingTheRule() {
        DataplaneModel model = FlannelCluster.healthy()
                .edit(N21, s -> s.withFirewall(dev.vxlab.detectors.testkit.Firewalls.vxlanPortDrop(8472))).model();

        Exchange exchange = model.exchange(N19, COREDNS_IP);

        assertThat(exchange.succeeded()).isFalse();
        assertThat(exchange.request().verdict()).isInstanceOfSatisfying(Verdict.Dropped.class, d -> {
            assertThat(d.node()).isEqualTo(N21);
            assertThat(d.cause()).isEqualTo(Cause.FILTERED);
            assertThat(d.fact()).contains("udp 172.31.159.19 -> 172.31.159.21:8472")
                    .endsWith("table inet hardening chain input handle 2: udp dport 8472 drop");
        });
        assertThat(model.exchange(N20, appIp(N19)).succeeded()).as("other nodes are not concerned").isTrue();
    }

    @Test
    void aForwardPolicyDropDropsWhatTheNodeRoutesAndBridgedFramesOnlyWhereTheBridgeCallsTheIpHooks() {
        FlannelCluster cluster = FlannelCluster.healthy()
                .edit(N21, s -> s.withFirewall(dev.vxlab.detectors.testkit.Firewalls.FORWARD_POLICY_DROP));
        DataplaneModel model = cluster.model();
        Verdict toPod = model.exchange(N19, COREDNS_IP).request().verdict();
        assertThat(toPod).isInstanceOfSatisfying(Verdict.Dropped.class, d -> {
            assertThat(d.cause()).isEqualTo(Cause.FILTERED);
            assertThat(d.fact()).endsWith("table ip filter chain FORWARD: policy drop");
        });
        assertThat(model.exchange(N19, Ipv4.parse("10.187.1.1")).succeeded()).as("to the node itself (its cni0): input")
                .isTrue();
        assertThat(model.exchange("app@" + N21, COREDNS_IP).succeeded()).as("bridged, not routed").isTrue();

        DataplaneModel bridged = cluster.edit(N21, s -> s.withFirewall(s.firewall().withBridgeFiltered(true))).model();
        assertThat(bridged.exchange("app@" + N21, COREDNS_IP).request().verdict())
                .isInstanceOfSatisfying(Verdict.Dropped.class, d -> {
                    assertThat(d.cause()).isEqualTo(Cause.FILTERED);
                    assertThat(d.device()).isEqualTo("cni0");
                });
    }
}
