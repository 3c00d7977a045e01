package dev.vxlab.scenarios.property;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.spec.NodePlan;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One change outside the fault catalog, made on a node with the commands a person would type (ip, sysctl, nft), and
 * the commands that undo it. Some break flannel's paths, some are harmless: the "no silent breakage" property only
 * asks for a finding on the path of every probe that fails. Parameters name nodes by index ({@code peer}), so a case
 * survives shrinking to another address plan or fewer nodes.
 *
 * <p>Kinds (the {@code what} parameter picks a variant):
 * <ul>
 *   <li>{@code rule-table}: {@code ip rule add to DST table 100 prio 50} and a route of type {@code type}
 *       (blackhole, unreachable, prohibit, throw) for DST in table 100; DST is the peer's pod subnet or public IP;</li>
 *   <li>{@code rule-action}: {@code ip rule add to|from DST prio 51 TYPE}, the rule itself refusing;</li>
 *   <li>{@code rule-marked}: a blackhole default route in table 102 for packets marked 0x77 only (harmless);</li>
 *   <li>{@code host-route}: {@code ip route add PEER_IP/32 via UNUSED dev eth0}: the peer's VXLAN packets go to an
 *       underlay address nobody answers ARP for;</li>
 *   <li>{@code sysctl}: one of a few sysctls (the previous value is restored by the caller);</li>
 *   <li>{@code nft}: a drop rule in a table of its own on the input or forward hook, for VXLAN's port, the peer's
 *       pods, or packets flannel never sends;</li>
 *   <li>{@code link}: a pod's veth set down, cni0 set promiscuous, a spare veth pair added;</li>
 *   <li>{@code neigh}: a FAILED underlay neighbor for the peer's public IP (the kernel resolves it again on the
 *       next packet: harmless once traffic flows).</li>
 * </ul>
 * Left out, and why, in docs/properties.md ("Excluded"): changes one node's snapshot cannot show as wrong (a permanent
 * underlay neighbor with a wrong MAC, a changed eth0 or cni0 MAC) and filters on the output hook.
 *
 * @param kind   one of {@link #KINDS}
 * @param node   the node's index
 * @param params the variant: {@code what}, {@code peer}, {@code type}, ...
 */
public record UnlistedChange(String kind, int node, Map<String, String> params) {
    public static final List<String> KINDS = List.of("rule-table", "rule-action", "rule-marked", "host-route",
            "sysctl", "nft", "link", "neigh");
    /** The kinds whose {@code peer} parameter must name another node. */
    static final Set<String> WITH_PEER = Set.of("rule-table", "rule-action", "host-route", "nft", "neigh");
    static final String NFT_TABLE = "vxlab-unlisted";

    public UnlistedChange {
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("unknown change kind " + kind);
        }
        params = Map.copyOf(params);
        if (node < 0) {
            throw new IllegalArgumentException("a node index is not negative");
        }
    }

    int peer() {
        return Integer.parseInt(params.getOrDefault("peer", "0"));
    }

    String what() {
        return params.getOrDefault("what", "");
    }

    /** The highest node index this change names. */
    public int highestNode() {
        return Math.max(node, WITH_PEER.contains(kind) ? peer() : 0);
    }

    /** The sysctl this change writes (its old value is read before and written back after), if it is one. */
    public Optional<String> sysctlKey(ClusterSpec spec) {
        return kind.equals("sysctl") ? Optional.of(sysctl(spec).substring(0, sysctl(spec).indexOf('=')))
                : Optional.empty();
    }

    /** {@code key=value}, flannel's device named as this cluster names it (sysctl writes its dot as a slash). */
    private String sysctl(ClusterSpec spec) {
        return what().replace("flannel/1", spec.vtepDevice().replace('.', '/'));
    }

    /** The commands that make the change on the node. */
    public List<List<String>> apply(ClusterSpec spec) {
        NodePlan peer = spec.nodes().get(peer());
        String type = params.getOrDefault("type", "blackhole");
        return switch (kind) {
            case "rule-table" -> List.of(
                    List.of("ip", "route", "add", type, target(spec, peer), "table", "100"),
                    List.of("ip", "rule", "add", "to", target(spec, peer), "table", "100", "prio", "50"));
            case "rule-action" -> List.of(List.of("ip", "rule", "add", params.getOrDefault("direction", "to"),
                    target(spec, peer), "prio", "51", type));
            case "rule-marked" -> List.of(List.of("ip", "route", "add", "blackhole", "default", "table", "102"),
                    List.of("ip", "rule", "add", "fwmark", "0x77", "table", "102", "prio", "52"));
            case "host-route" -> List.of(List.of("ip", "route", "add", peer.publicIp() + "/32", "via",
                    unusedUnderlayAddress(spec).toString(), "dev", "eth0"));
            case "sysctl" -> List.of(List.of("sysctl", "-qw", sysctl(spec)));
            case "nft" -> {
                String hook = params.getOrDefault("hook", "forward");
                String chain = hook.equals("input") ? "drop_in" : "drop_forward"; // "fwd" is an nft keyword
                yield List.of(List.of("nft", "add", "table", "ip", NFT_TABLE),
                        List.of("nft", "add", "chain", "ip", NFT_TABLE, chain, "{ type filter hook " + hook
                                + " priority 0 ; policy accept ; }"),
                        List.of("sh", "-c", "nft add rule ip " + NFT_TABLE + " " + chain + " " + nftMatch(spec, peer)
                                + " drop"));
            }
            case "link" -> switch (what()) {
                case "veth-down" -> List.of(List.of("sh", "-c",
                        "ip link set \"$(ls /sys/class/net/cni0/brif | sort | sed -n 1p)\" down"));
                case "cni0-promisc" -> List.of(List.of("ip", "link", "set", "cni0", "promisc", "on"));
                default -> List.of(List.of("ip", "link", "add", "spare0", "type", "veth", "peer", "name", "spare1"),
                        List.of("ip", "link", "set", "spare0", "up"));
            };
            case "neigh" -> List.of(List.of("ip", "neigh", "replace", peer.publicIp().toString(), "dev", "eth0", "nud",
                    "failed"));
            default -> throw new IllegalStateException(kind);
        };
    }

    /** The commands that undo it (sysctls: the caller writes the old value back). */
    public List<List<String>> undo(ClusterSpec spec) {
        NodePlan peer = spec.nodes().get(peer());
        return switch (kind) {
            case "rule-table" -> List.of(List.of("ip", "rule", "del", "prio", "50"),
                    List.of("ip", "route", "flush", "table", "100"));
            case "rule-action" -> List.of(List.of("ip", "rule", "del", "prio", "51"));
            case "rule-marked" -> List.of(List.of("ip", "rule", "del", "prio", "52"),
                    List.of("ip", "route", "flush", "table", "102"));
            case "host-route" -> List.of(List.of("ip", "route", "del", peer.publicIp() + "/32"));
            case "sysctl" -> List.of();
            case "nft" -> List.of(List.of("sh", "-c", "nft delete table ip " + NFT_TABLE + " 2>/dev/null; true"));
            case "link" -> switch (what()) {
                case "veth-down" -> List.of(List.of("sh", "-c",
                        "ip link set \"$(ls /sys/class/net/cni0/brif | sort | sed -n 1p)\" up"));
                case "cni0-promisc" -> List.of(List.of("ip", "link", "set", "cni0", "promisc", "off"));
                default -> List.of(List.of("ip", "link", "del", "spare0"));
            };
            case "neigh" -> List.of(List.of("sh", "-c", "ip neigh del " + peer.publicIp() + " dev eth0 2>/dev/null; true"));
            default -> throw new IllegalStateException(kind);
        };
    }

    private String target(ClusterSpec spec, NodePlan peer) {
        return params.getOrDefault("target", "pods").equals("underlay") ? peer.publicIp() + "/32"
                : peer.subnet().toString();
    }

    private String nftMatch(ClusterSpec spec, NodePlan peer) {
        return switch (params.getOrDefault("match", "other-port")) {
            case "vxlan" -> "udp dport " + spec.vxlanPort();
            case "peer-pods-to" -> "ip daddr " + peer.subnet();
            case "peer-pods-from" -> "ip saddr " + peer.subnet();
            case "peer-underlay" -> "ip saddr " + peer.publicIp();
            default -> "tcp dport 9" ; // discard: nothing of flannel's or the lab's
        };
    }

    /** An underlay address no node and no gateway holds (the fabric's gateway is one of the last two hosts). */
    static Ipv4 unusedUnderlayAddress(ClusterSpec spec) {
        Set<Ipv4> used = new java.util.HashSet<>();
        spec.nodes().forEach(n -> used.add(n.publicIp()));
        int network = spec.underlay().network().bits();
        int hosts = (int) ((1L << (32 - spec.underlay().length())) - 2);
        for (int i = 1; i < hosts - 2; i++) {
            Ipv4 candidate = new Ipv4(network + i);
            if (!used.contains(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no unused address on " + spec.underlay());
    }

    @Override
    public String toString() {
        return kind + "@" + node + (params.isEmpty() ? "" : new TreeMap<>(params).toString());
    }
}
