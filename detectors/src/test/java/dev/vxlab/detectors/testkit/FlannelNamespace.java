package dev.vxlab.detectors.testkit;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.advertised.ClusterView;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One real network namespace programmed as flannel's vxlan backend programs a node of the field's shape, with any
 * number of peers: eth0 (a veth standing in for the NIC, the public IP), flannel.1 (vxlan 1, nolearning, local =
 * public IP, dev eth0, the advertised VtepMAC, mtu 1450) with {@code <subnet>.0/32}, cni0 with {@code <subnet>.1/24},
 * and per peer an onlink route, a permanent neighbor and an FDB entry; ip_forward on. The node is the field's
 * 172.31.159.19 with 10.187.0.0/24; peers follow (172.31.159.20…, 10.187.1.0/24…), spilling into a /16 underlay and
 * 10.176.0.0/12 beyond 200 peers. Used by kernel tests and the benchmarks, so it needs no test framework; a failed
 * command throws with its stderr.
 *
 * @param namespace the namespace's name (under /run/netns)
 * @param nodeName  this node's name in {@link #view()}
 * @param view      what flannel advertised for this node and every peer
 */
public record FlannelNamespace(String namespace, String nodeName, ClusterView view) {
    public static final MacAddress FIELD_VTEP_MAC = MacAddress.parse("ea:77:37:86:ee:bf");
    private static final Ipv4 FIRST_PUBLIC_IP = Ipv4.parse("172.31.159.19");
    private static final Ipv4 FIRST_SUBNET = Ipv4.parse("10.187.0.0");

    /** Creates the namespace ({@code ip netns add}) and programs it with this many peers. */
    public static FlannelNamespace create(String namespace, int peers) {
        SandboxGuard.require();
        run(List.of("ip", "netns", "add", namespace), "");
        return program(namespace, peers);
    }

    /** Programs an existing, empty namespace. */
    public static FlannelNamespace program(String namespace, int peers) {
        if (!"1".equals(System.getenv("VXLAB_SANDBOX"))) {
            throw new IllegalStateException("a flannel namespace is made only inside bin/vxlab-sandbox");
        }
        int underlayLength = peers <= 200 ? 24 : 16;
        List<AdvertisedNode> nodes = new ArrayList<>();
        for (int i = 0; i <= peers; i++) {
            nodes.add(node(i, underlayLength));
        }
        AdvertisedNode self = nodes.getFirst();
        StringBuilder ip = new StringBuilder();
        ip.append("link set lo up\n");
        // eth0 is a veth whose other end lies in the sandbox's own namespace (its PID 1's), the lab's "fabric": no
        // dummy module is needed, and deleting the node's namespace removes both ends.
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(namespace.getBytes(StandardCharsets.UTF_8));
        String fabricEnd = "fx%08x".formatted(crc.getValue());
        ip.append("link add eth0 type veth peer name ").append(fabricEnd).append(" netns 1\n");
        ip.append("addr add ").append(self.publicIp()).append('/').append(underlayLength).append(" dev eth0\n");
        ip.append("link set eth0 up\n");
        ip.append("route add default via ").append(underlayLength == 24 ? "172.31.159.254" : "172.31.255.254")
                .append(" dev eth0\n");
        ip.append("link add flannel.1 address ").append(self.vtepMac()).append(" type vxlan id 1 local ")
                .append(self.publicIp()).append(" dev eth0 dstport 8472 nolearning\n");
        ip.append("link set flannel.1 mtu 1450\n");
        ip.append("addr add ").append(self.podCidr().network()).append("/32 dev flannel.1\n");
        ip.append("link set flannel.1 up\n");
        ip.append("link add cni0 type bridge\n");
        ip.append("link set cni0 mtu 1450\n");
        ip.append("addr add ").append(self.podCidr().host(1)).append("/24 dev cni0\n");
        ip.append("link set cni0 up\n");
        StringBuilder bridge = new StringBuilder();
        for (AdvertisedNode peer : nodes.subList(1, nodes.size())) {
            ip.append("route add ").append(peer.podCidr()).append(" via ").append(peer.podCidr().network())
                    .append(" dev flannel.1 onlink\n");
            ip.append("neigh add ").append(peer.podCidr().network()).append(" lladdr ").append(peer.vtepMac())
                    .append(" dev flannel.1 nud permanent\n");
            bridge.append("fdb add ").append(peer.vtepMac()).append(" dev flannel.1 dst ").append(peer.publicIp())
                    .append(" self permanent\n");
        }
        run(List.of("ip", "-n", namespace, "-batch", "-"), ip.toString());
        // The far end up, so eth0 has a carrier as a cabled NIC does (else: underlay-no-carrier).
        run(List.of("ip", "link", "set", "dev", "fx%08x".formatted(crc.getValue()), "up"), "");
        if (!bridge.isEmpty()) {
            run(List.of("bridge", "-n", namespace, "-batch", "-"), bridge.toString());
        }
        run(List.of("ip", "netns", "exec", namespace, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1"), "");
        // The fabric's end up too, so eth0 has a carrier as a cabled NIC has (the path walk checks it).
        run(List.of("ip", "link", "set", fabricEnd, "up"), "");
        return new FlannelNamespace(namespace, self.name(), new ClusterView(nodes));
    }

    /** Node 0 is this one (the field's node .19 and its VtepMAC); node i its i-th peer. */
    private static AdvertisedNode node(int i, int underlayLength) {
        MacAddress mac = i == 0 ? FIELD_VTEP_MAC : new MacAddress(0x0a_00_00_00_00_00L | i);
        Ipv4Prefix subnet = new Ipv4Prefix(FIRST_SUBNET.plus(i << 8), 24);
        return new AdvertisedNode("node-" + i, subnet, FIRST_PUBLIC_IP.plus(i), mac, "vxlan", true);
    }

    public Path file() {
        return Path.of("/run/netns", namespace);
    }

    /** What flannel advertised for this node. */
    public AdvertisedNode self() {
        return view.byName(nodeName).orElseThrow();
    }

    /** The i-th peer (1-based, as created). */
    public AdvertisedNode peer(int i) {
        return view.byName("node-" + i).orElseThrow();
    }

    /** {@code ip netns del}. */
    public void delete() {
        run(List.of("ip", "netns", "del", namespace), "");
    }

    /** Runs a command with the given stdin; throws when it fails. */
    public static void run(List<String> argv, String stdin) {
        try {
            Process p = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", argv) + ": did not finish in 60 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", argv) + ": " + err.strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", argv) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", argv), e);
        }
    }
}
