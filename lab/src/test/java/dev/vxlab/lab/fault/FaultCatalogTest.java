package dev.vxlab.lab.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.remote.Commands;
import dev.vxlab.lab.spec.ClusterSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultCatalogTest {
    private final ClusterSpec field = ClusterSpec.field(3);
    private final List<AdvertisedNode> leases = field.nodes().stream()
            .map(n -> new AdvertisedNode(n.name(), n.subnet(), n.publicIp(), n.vtepMac(), "vxlan", true)).toList();

    private List<String> render(Fault fault) {
        FaultContext context = new FaultContext(field, field.node(fault.node()), leases);
        return fault.commands(context).stream().map(Commands::render).toList();
    }

    @Test
    void macDriftOnTheFieldNodeUsesTheFieldsMacAndReprogramsItsNeighbors() {
        Fault drift = FaultCatalog.create("vtep-mac-drift", "0", Map.of(), field);
        assertThat(render(drift)).containsExactly(
                "ip link set dev flannel.1 address b6:9b:ed:b0:37:74",
                "ip neigh replace 10.187.1.0 lladdr f2:d2:28:8e:4c:61 dev flannel.1 nud permanent",
                "ip neigh replace 10.187.2.0 lladdr 2a:f1:d4:d0:32:24 dev flannel.1 nud permanent");
    }

    @Test
    void everyFaultRendersAsNodeLocalCommands() {
        assertThat(render(FaultCatalog.create("routes-flushed", "0", Map.of(), field)))
                .containsExactly("ip route flush dev flannel.1");
        assertThat(render(FaultCatalog.create("vtep-address-removed", "1", Map.of(), field)))
                .containsExactly("ip addr del 10.187.1.0/32 dev flannel.1");
        assertThat(render(FaultCatalog.create("bridge-address-removed", "1", Map.of(), field)))
                .containsExactly("ip addr del 10.187.1.1/24 dev cni0");
        assertThat(render(FaultCatalog.create("link-down", "0", Map.of("device", "cni0"), field)))
                .containsExactly("ip link set dev cni0 down");
        assertThat(render(FaultCatalog.create("mtu-reset", "0", Map.of(), field)))
                .containsExactly("ip link set dev eth0 mtu 1400");
        assertThat(render(FaultCatalog.create("bridge-port-detached", "0", Map.of(), field)))
                .singleElement().asString().matches("ip link set dev veth[0-9a-f]{8} nomaster");
        assertThat(render(FaultCatalog.create("neighbors-flushed", "0", Map.of(), field)))
                .containsExactly("ip neigh flush dev flannel.1 nud all");
        assertThat(render(FaultCatalog.create("fdb-flushed", "0", Map.of(), field))).containsExactly(
                "bridge fdb del f2:d2:28:8e:4c:61 dev flannel.1 dst 172.31.159.20 self",
                "bridge fdb del 2a:f1:d4:d0:32:24 dev flannel.1 dst 172.31.159.21 self");
        assertThat(render(FaultCatalog.create("rp-filter-strict", "0", Map.of(), field)))
                .containsExactly("sysctl -w net.ipv4.conf.all.rp_filter=1");
        assertThat(render(FaultCatalog.create("rp-filter-strict", "0", Map.of("device", "flannel.1"), field)))
                .containsExactly("sysctl -w net/ipv4/conf/flannel.1/rp_filter=1");
        assertThat(render(FaultCatalog.create("ip-forward-off", "0", Map.of(), field)))
                .containsExactly("sysctl -w net.ipv4.ip_forward=0");
    }

    @Test
    void badInputGetsOneClearSentence() {
        assertThatThrownBy(() -> FaultCatalog.create("nm-ate-my-routes", "0", Map.of(), field))
                .hasMessage("unknown fault 'nm-ate-my-routes'; known faults: " + String.join(", ", FaultCatalog.ids()));
        assertThatThrownBy(() -> FaultCatalog.create("routes-flushed", "9", Map.of(), field))
                .hasMessageStartingWith("no node '9' in this cluster");
        assertThatThrownBy(() -> FaultCatalog.create("mtu-reset", "0", Map.of("mtu", "big"), field))
                .hasMessage("mtu=big is not a whole number from 68 to 65535");
        assertThatThrownBy(() -> FaultCatalog.create("routes-flushed", "0", Map.of("device", "eth0"), field))
                .hasMessage("fault 'routes-flushed' has no parameter 'device'; it takes none");
        assertThatThrownBy(() -> FaultCatalog.create("vtep-mac-drift", "0", Map.of("mac", "zz"), field))
                .hasMessage("not a MAC address: 'zz'");
        assertThatThrownBy(() -> FaultCatalog.create("bridge-port-detached", "0", Map.of("pod", "web"), field))
                .hasMessageStartingWith("no pod 'web' on node 172.31.159.19");
    }
}
