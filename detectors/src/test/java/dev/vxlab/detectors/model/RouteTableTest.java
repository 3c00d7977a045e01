package dev.vxlab.detectors.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.state.LinkRef;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.state.Scope;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Longest-prefix match over one table on primitive keys: the longest prefix first, its routes in order, fall-through. */
class RouteTableTest {
    private static final LinkRef ETH0 = new LinkRef(2, "eth0");
    private static final LinkRef FLANNEL = new LinkRef(4, "flannel.1");

    private static Route route(String dst, LinkRef dev, long metric) {
        return new Route(Route.TABLE_MAIN, Route.Type.UNICAST, Ipv4Prefix.parse(dst), Optional.empty(),
                Optional.of(dev), 0, Scope.UNIVERSE, Route.Protocol.KERNEL, Optional.empty(), metric);
    }

    private static int ip(String text) {
        return Ipv4.parse(text).bits();
    }

    private final Route defaultRoute = route("0.0.0.0/0", ETH0, 0);
    private final Route underlay = route("172.31.0.0/16", ETH0, 0);
    private final Route peer = route("10.176.5.0/24", FLANNEL, 0);
    private final Route peerBackup = route("10.176.5.0/24", ETH0, 100);
    private final Route host = route("10.176.5.7/32", ETH0, 0);
    private final RouteTable table = new RouteTable(List.of(defaultRoute, peer, peerBackup, host, underlay));

    @Test
    void theLongestPrefixHoldingTheAddressWins() {
        assertThat(table.longestMatch(ip("10.176.5.7"), r -> true)).isSameAs(host);
        assertThat(table.longestMatch(ip("10.176.5.8"), r -> true)).isSameAs(peer);
        assertThat(table.longestMatch(ip("172.31.200.1"), r -> true)).isSameAs(underlay);
        assertThat(table.longestMatch(ip("8.8.8.8"), r -> true)).isSameAs(defaultRoute);
    }

    @Test
    void routesOfOnePrefixAreTriedInTheSnapshotsOrder() {
        assertThat(table.longestMatch(ip("10.176.5.1"), r -> r != peer)).isSameAs(peerBackup);
    }

    @Test
    void aPrefixWithoutAUsableRouteFallsThroughToShorterOnes() {
        assertThat(table.longestMatch(ip("10.176.5.1"), r -> r.dev().orElseThrow() != FLANNEL && r != peerBackup))
                .isSameAs(defaultRoute);
        assertThat(table.longestMatch(ip("10.176.5.7"), r -> r != host)).isSameAs(peer);
    }

    @Test
    void noRouteWithoutADefaultOrAnEmptyTable() {
        RouteTable noDefault = new RouteTable(List.of(peer, underlay));
        assertThat(noDefault.longestMatch(ip("8.8.8.8"), r -> true)).isNull();
        assertThat(RouteTable.EMPTY.longestMatch(ip("8.8.8.8"), r -> true)).isNull();
    }

    @Test
    void hostBitsInAPrefixDoNotHideIt() {
        // An interface-style prefix (10.9.0.1/24) is its network 10.9.0.0/24, as the kernel stores it.
        Route sloppy = route("10.9.0.1/24", ETH0, 0);
        assertThat(new RouteTable(List.of(sloppy)).longestMatch(ip("10.9.0.200"), r -> true)).isSameAs(sloppy);
    }

    @Test
    void addressesWithTheTopBitSetMatch() {
        Route high = route("192.168.0.0/16", ETH0, 0);
        Route higher = route("255.255.255.255/32", ETH0, 0);
        RouteTable t = new RouteTable(List.of(high, higher));
        assertThat(t.longestMatch(ip("192.168.3.4"), r -> true)).isSameAs(high);
        assertThat(t.longestMatch(ip("255.255.255.255"), r -> true)).isSameAs(higher);
        assertThat(t.longestMatch(ip("255.255.255.254"), r -> true)).isNull();
    }
}
