package dev.vxlab.detectors.testkit;

import dev.vxlab.detectors.netns.NetnsExecutor;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Programs a namespace the way flannel's vxlan backend and the bridge CNI plugin program a node (the field's node 0,
 * subnet 10.187.0.0/24, with peers 10.187.1.0/24 at 172.31.159.20 and 10.187.2.0/24 at 172.31.159.21), plus a
 * "fabric" namespace holding the other end of the node's eth0 and a "pod" namespace holding a pod's eth0.
 */
public record FlannelNode(String node, String fabric, String pod) {
    public static final String VTEP_MAC = "b6:9b:ed:b0:37:74";
    public static final String[][] PEERS = {
            {"10.187.1.0", "f2:d2:28:8e:4c:61", "172.31.159.20"},
            {"10.187.2.0", "2a:f1:d4:d0:32:24", "172.31.159.21"},
    };

    public static FlannelNode build(TestNetns lab) {
        FlannelNode n = new FlannelNode(lab.add("node0"), lab.add("fabric"), lab.add("pod"));
        String ns = n.node;
        lab.ip(ns, "link", "set", "lo", "up");
        lab.ip(ns, "link", "add", "eth0", "address", "02:42:ac:1f:9f:13", "type", "veth",
                "peer", "name", "node0-eth0", "netns", n.fabric, "address", "02:42:ac:1f:9f:f0");
        lab.ip(ns, "addr", "add", "172.31.159.19/24", "dev", "eth0");
        lab.ip(ns, "link", "set", "eth0", "up");
        lab.ip(n.fabric, "addr", "add", "172.31.159.250/24", "dev", "node0-eth0");
        lab.ip(n.fabric, "link", "set", "node0-eth0", "up");
        lab.ip(ns, "route", "add", "default", "via", "172.31.159.254", "dev", "eth0");

        // flannel's vxlan backend
        lab.ip(ns, "link", "add", "flannel.1", "address", VTEP_MAC, "type", "vxlan", "id", "1", "dstport", "8472",
                "nolearning", "local", "172.31.159.19", "dev", "eth0");
        lab.ip(ns, "link", "set", "flannel.1", "mtu", "1450");
        lab.ip(ns, "addr", "add", "10.187.0.0/32", "dev", "flannel.1");
        lab.ip(ns, "link", "set", "flannel.1", "up");
        for (String[] peer : PEERS) {
            lab.ip(ns, "neigh", "replace", peer[0], "lladdr", peer[1], "dev", "flannel.1", "nud", "permanent");
            lab.bridge(ns, "fdb", "append", peer[1], "dev", "flannel.1", "dst", peer[2], "self", "permanent");
            lab.ip(ns, "route", "replace", peer[0] + "/24", "via", peer[0], "dev", "flannel.1", "onlink");
        }

        // the bridge CNI plugin and one pod
        lab.ip(ns, "link", "add", "cni0", "address", "5e:4f:7c:2b:8a:01", "type", "bridge");
        lab.ip(ns, "addr", "add", "10.187.0.1/24", "dev", "cni0");
        lab.ip(ns, "link", "set", "cni0", "up");
        lab.ip(ns, "link", "add", "veth3a5c1e07", "address", "8e:11:22:33:44:55", "type", "veth",
                "peer", "name", "eth0", "netns", n.pod, "address", "0a:58:0a:bb:00:05");
        lab.ip(ns, "link", "set", "veth3a5c1e07", "master", "cni0", "up");
        lab.ip(n.pod, "addr", "add", "10.187.0.5/24", "dev", "eth0");
        lab.ip(n.pod, "link", "set", "eth0", "up");

        // odds and ends a real node has
        lab.ip(ns, "route", "add", "blackhole", "10.99.0.0/16");
        lab.ip(ns, "route", "add", "10.97.0.0/16", "dev", "eth0", "table", "100", "proto", "static", "metric", "50");
        lab.exec(ns, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv4.conf.eth0.rp_filter=2");
        return n;
    }

    /** Whether this kernel counts rx_otherhost_dropped (5.19+). */
    public static boolean kernelCountsOtherhost() {
        Matcher kernel = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(System.getProperty("os.version"));
        if (!kernel.find()) {
            return false;
        }
        int major = Integer.parseInt(kernel.group(1));
        return major > 5 || major == 5 && Integer.parseInt(kernel.group(2)) >= 19;
    }

    /**
     * Makes the fabric believe node0's address is at a MAC that is not eth0's (what peers do after a VTEP MAC drift)
     * and sends that many UDP datagrams from the fabric to node0: node0's eth0 drops each as "otherhost".
     */
    public void sendMisaddressedFrames(TestNetns lab, int count) throws Exception {
        lab.ip(fabric, "neigh", "replace", "172.31.159.19", "dev", "node0-eth0", "lladdr", "02:42:ac:1f:9f:99",
                "nud", "permanent");
        try (NetnsExecutor inFabric = NetnsExecutor.open(Path.of("/run/netns", fabric))) {
            inFabric.call(() -> {
                try (DatagramChannel udp = DatagramChannel.open(StandardProtocolFamily.INET)) {
                    for (int i = 0; i < count; i++) {
                        udp.send(ByteBuffer.wrap(new byte[] {1}), new InetSocketAddress("172.31.159.19", 9));
                    }
                }
                return null;
            });
        }
    }
}
