package dev.vxlab.lab.flannel;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.lab.LabException;
import dev.vxlab.detectors.remote.Command;
import dev.vxlab.detectors.remote.CommandFailedException;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.Commands;
import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.lab.backend.Parallel;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.spec.NodePlan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Programs nodes the way flannel's vxlan backend does, for backends without a real flanneld.
 *
 * <p>Per node: a {@code flannel.N} VXLAN device (nolearning, local = the node's IP, dev eth0) holding
 * {@code <subnet>.0/32}, and the {@code cni0} bridge holding {@code <subnet>.1/24}. Per peer, in flannel's order:
 * a permanent neighbor entry for the peer's VTEP address, a permanent FDB entry sending the peer's VtepMAC to its
 * public IP, and an onlink route to the peer's subnet through its VTEP address.
 */
public final class FlannelEmulation implements FlannelControl {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ClusterSpec spec;
    private final Map<String, Remote> shells;
    private final LeaseRegistry registry;

    public FlannelEmulation(ClusterSpec spec, Map<String, Remote> shells, LeaseRegistry registry) {
        this.spec = spec;
        this.shells = Map.copyOf(shells);
        this.registry = registry;
    }

    /** Brings flannel up on every node: devices first, then the leases are published, then every node learns its peers. */
    public void start() throws LabException {
        start(node -> List.of(), node -> List.of());
    }

    /**
     * {@link #start()}, with the host's own {@code ip} commands sent in each node's device batch, so a node costs one
     * round trip for all of them: {@code before} the devices (the uplink flannel.N sits on), {@code after} them (the
     * pods' veths on cni0). Nodes are programmed in parallel ({@link Parallel}), each with that one {@code ip -batch},
     * which also reads back the VtepMAC as flanneld does at start, and two batches for its peers ({@link #peerEntries}).
     */
    public void start(Function<NodePlan, List<List<String>>> before, Function<NodePlan, List<List<String>>> after)
            throws LabException {
        Map<String, MacAddress> vtepMacs = new ConcurrentHashMap<>();
        Parallel.forEach(spec.nodes(), node -> vtepMacs.put(node.name(),
                createDevices(node, before.apply(node), after.apply(node))));
        List<AdvertisedNode> leases = new ArrayList<>();
        for (NodePlan node : spec.nodes()) {
            leases.add(new AdvertisedNode(node.name(), node.subnet(), node.publicIp(), vtepMacs.get(node.name()),
                    "vxlan", true));
        }
        registry.publish(leases);
        FlannelFiles files = new FlannelFiles(spec);
        for (AdvertisedNode lease : leases) {
            try {
                shells.get(lease.name()).put(SUBNET_ENV, files.subnetEnv(lease));
            } catch (dev.vxlab.detectors.remote.RemoteException e) {
                throw new LabException("cannot write " + SUBNET_ENV + " on node " + lease.name() + ": " + e.getMessage(), e);
            }
        }
        List<AdvertisedNode> published = registry.leases();
        Parallel.forEach(spec.nodes(), node -> runAll(shells.get(node.name()), peerEntries(spec,
                published.stream().filter(peer -> !peer.name().equals(node.name())).toList())));
    }

    /**
     * The node's flannel.N and cni0 (and the host's commands around them) in one {@code ip -j -batch}, whose last line
     * reads the device back: one round trip.
     */
    private MacAddress createDevices(NodePlan node, List<List<String>> before, List<List<String>> after)
            throws LabException {
        Remote shell = shells.get(node.name());
        StringBuilder script = new StringBuilder();
        List<List<String>> commands = new ArrayList<>(before);
        commands.addAll(deviceCommands(spec, node));
        commands.addAll(bridgeCommands(spec, node));
        commands.addAll(after);
        commands.add(List.of("ip", "link", "show", "dev", spec.vtepDevice()));
        for (List<String> command : commands) {
            if (!command.getFirst().equals("ip")) {
                throw new IllegalArgumentException("not an ip command: " + command);
            }
            script.append(String.join(" ", command.subList(1, command.size()))).append('\n');
        }
        CommandResult result = shell.run(Command.of("ip", "-j", "-batch", "-").withStdin(script.toString()));
        if (!result.ok()) {
            throw new LabException("flannel emulation failed on node " + shell.name() + ": " + result.stderr().strip());
        }
        String shown = result.stdout().strip();
        return vtepMac(shell, shown.substring(shown.lastIndexOf('\n') + 1));
    }

    /** flanneld's device setup for a node (creating the device with the node's planned MAC). */
    public static List<List<String>> deviceCommands(ClusterSpec spec, NodePlan node) {
        String dev = spec.vtepDevice();
        return List.of(
                List.of("ip", "link", "add", dev, "address", node.vtepMac().toString(), "type", "vxlan",
                        "id", Integer.toString(spec.vni()), "local", node.publicIp().toString(), "dev", "eth0",
                        "dstport", Integer.toString(spec.vxlanPort()), "nolearning"),
                List.of("ip", "link", "set", "dev", dev, "mtu", Integer.toString(spec.vxlanMtu())),
                List.of("ip", "addr", "add", node.vtepAddress() + "/32", "dev", dev),
                List.of("ip", "link", "set", "dev", dev, "up"));
    }

    /**
     * What the CNI bridge plugin sets up when the first pod lands on the node. Like the plugin, it gives cni0 a MAC of
     * its own (0a:58 and the bridge's IPv4 address): a bridge whose MAC was never set takes its lowest port's, and
     * changes it whenever that port leaves, which would cut every pod's cached gateway MAC on the node for seconds.
     */
    public static List<List<String>> bridgeCommands(ClusterSpec spec, NodePlan node) {
        return List.of(
                List.of("ip", "link", "add", "cni0", "type", "bridge"),
                List.of("ip", "link", "set", "dev", "cni0", "address", bridgeMac(node.bridgeAddress().address())),
                List.of("ip", "link", "set", "dev", "cni0", "mtu", Integer.toString(spec.vxlanMtu())),
                List.of("ip", "addr", "add", node.bridgeAddress().toString(), "dev", "cni0"),
                List.of("ip", "link", "set", "dev", "cni0", "up"));
    }

    /** The CNI bridge plugin's MAC for a bridge: 0a:58 followed by the bridge's IPv4 address. */
    static String bridgeMac(Ipv4 bridgeIp) {
        int b = bridgeIp.bits();
        return "0a:58:%02x:%02x:%02x:%02x".formatted(b >>> 24, (b >>> 16) & 0xff, (b >>> 8) & 0xff, b & 0xff);
    }

    /** The three entries flannel programs on a node for one peer, in flannel's order: neighbor, FDB, route. */
    public static List<List<String>> peerCommands(ClusterSpec spec, AdvertisedNode peer) {
        String dev = spec.vtepDevice();
        String vtep = peer.podCidr().network().toString();
        return List.of(
                List.of("ip", "neigh", "replace", vtep, "lladdr", peer.vtepMac().toString(), "dev", dev,
                        "nud", "permanent"),
                List.of("bridge", "fdb", "replace", peer.vtepMac().toString(), "dev", dev,
                        "dst", peer.publicIp().toString(), "self", "permanent"),
                List.of("ip", "route", "replace", peer.podCidr().canonical().toString(), "via", vtep, "dev", dev,
                        "onlink"));
    }

    /**
     * The entries for many peers, grouped so that a remote sends them in two batches (every neighbor and route in one
     * {@code ip -batch}, every FDB entry in one {@code bridge -batch}) instead of three processes per peer. The
     * entries do not depend on one another, so the kernel ends in the same state as with flannel's per-peer order.
     */
    public static List<List<String>> peerEntries(ClusterSpec spec, List<AdvertisedNode> peers) {
        List<List<String>> neighbors = new ArrayList<>();
        List<List<String>> routes = new ArrayList<>();
        List<List<String>> fdb = new ArrayList<>();
        for (AdvertisedNode peer : peers) {
            List<List<String>> entries = peerCommands(spec, peer);
            neighbors.add(entries.get(0));
            fdb.add(entries.get(1));
            routes.add(entries.get(2));
        }
        List<List<String>> all = new ArrayList<>(neighbors);
        all.addAll(routes);
        all.addAll(fdb);
        return all;
    }

    @Override
    public List<AdvertisedNode> leases() {
        return registry.leases();
    }

    @Override
    public Path nodeListFile() {
        return registry.nodeListFile();
    }


    @Override
    public RestartResult restart(String nodeName) throws LabException {
        NodePlan node = spec.node(nodeName);
        Remote shell = shells.get(node.name());
        String dev = spec.vtepDevice();
        List<String> done = new ArrayList<>();

        // flanneld re-uses a compatible device; an incompatible one (VNI, port, local IP, learning) is deleted and
        // created again, as is a missing one; then it makes sure of the address and the link state.
        Optional<JsonNode> existing = readVtepLink(shell);
        if (existing.isPresent() && !compatible(node, existing.get())) {
            done.addAll(runAll(shell, List.of(List.of("ip", "link", "del", dev))));
            existing = Optional.empty();
        }
        if (existing.isEmpty()) {
            // A re-created device gets a kernel-chosen MAC, as with the real flanneld: drop "address MAC".
            List<List<String>> create = new ArrayList<>(deviceCommands(spec, node));
            List<String> add = new ArrayList<>(create.getFirst());
            add.subList(add.indexOf("address"), add.indexOf("address") + 2).clear();
            create.set(0, add);
            // flanneld sets no MTU on the device it creates: the kernel gives it the underlay's MTU - 50. (Setting the
            // network's MTU fails when eth0 was made smaller: RTNETLINK answers: Invalid argument.)
            create.removeIf(c -> c.contains("mtu"));
            done.addAll(runAll(shell, create));
        } else {
            done.addAll(runAll(shell, List.of(
                    List.of("ip", "addr", "replace", node.vtepAddress() + "/32", "dev", dev),
                    List.of("ip", "link", "set", "dev", dev, "up"))));
        }
        AdvertisedNode previous = registry.lease(node.name());
        AdvertisedNode current = previous.withVtepMac(readVtepMac(shell));
        registry.update(current);

        done.addAll(runAll(shell, peerEntries(spec,
                registry.leases().stream().filter(peer -> !peer.name().equals(node.name())).toList())));

        // Every peer's flanneld sees the lease change and re-programs its entries for this node (all peers at once,
        // as their flanneld processes would; the report keeps node order).
        List<NodePlan> others = spec.nodes().stream().filter(o -> !o.name().equals(node.name())).toList();
        Map<String, List<String>> byPeer = new ConcurrentHashMap<>();
        Parallel.forEach(others, other -> byPeer.put(other.name(), reprogram(other, previous, current)));
        for (NodePlan other : others) {
            done.addAll(byPeer.get(other.name()));
        }
        return new RestartResult(node.name(), previous.vtepMac().toString(), current.vtepMac().toString(), done);
    }

    /** What a peer's flanneld does when a node's lease changes: drop the old FDB entry, add the new entries. */
    private List<String> reprogram(NodePlan other, AdvertisedNode previous, AdvertisedNode current) throws LabException {
        String dev = spec.vtepDevice();
        List<String> done = new ArrayList<>();
        Remote peerShell = shells.get(other.name());
        Optional<JsonNode> peerVtep = readVtepLink(peerShell);
        if (peerVtep.isEmpty()) {
            // A peer without its VXLAN device has nothing to program; its own flanneld does it when it starts.
            done.add(other.name() + ": no " + dev + " to program (its flanneld programs it when it starts)");
            return done;
        }
        boolean peerUp = false;
        for (JsonNode flag : peerVtep.get().path("flags")) {
            peerUp |= flag.asText().equals("UP");
        }
        if (!previous.vtepMac().equals(current.vtepMac())) {
            List<String> delete = List.of("bridge", "fdb", "del", previous.vtepMac().toString(), "dev", dev,
                    "dst", previous.publicIp().toString(), "self");
            peerShell.run(delete); // absent already is fine
            done.add(other.name() + ": " + Commands.render(delete));
        }
        List<List<String>> entries = peerCommands(spec, current);
        if (!peerUp) {
            // The kernel refuses an onlink route through a device that is down ("Nexthop device is not up");
            // flanneld logs that and goes on, and the peer's own restart adds the route.
            done.add(other.name() + ": " + dev + " is down, route not added: " + Commands.render(entries.getLast()));
            entries = entries.subList(0, entries.size() - 1);
        }
        for (String line : runAll(peerShell, entries)) {
            done.add(other.name() + ": " + line);
        }
        return done;
    }

    private Optional<JsonNode> readVtepLink(Remote shell) throws LabException {
        CommandResult result = shell.run("ip", "-j", "-d", "link", "show", "dev", spec.vtepDevice());
        if (!result.ok()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readTree(result.stdout()).get(0));
        } catch (IOException | RuntimeException e) {
            throw new LabException("cannot parse 'ip -j -d link show' output on node " + shell.name(), e);
        }
    }

    /** flannel's test of whether an existing VXLAN device can be kept. */
    private boolean compatible(NodePlan node, JsonNode link) {
        JsonNode vxlan = link.path("linkinfo").path("info_data");
        return vxlan.path("id").asInt(-1) == spec.vni()
                && vxlan.path("port").asInt(-1) == spec.vxlanPort()
                && node.publicIp().toString().equals(vxlan.path("local").asText())
                && !vxlan.path("learning").asBoolean(false);
    }

    /** Reads the VXLAN device's current MAC, as flanneld does at start. */
    public MacAddress readVtepMac(Remote shell) throws LabException {
        CommandResult result = shell.run("ip", "-j", "link", "show", "dev", spec.vtepDevice());
        if (!result.ok()) {
            throw new LabException("cannot read " + spec.vtepDevice() + " on node " + shell.name() + ": "
                    + result.stderr().strip());
        }
        return vtepMac(shell, result.stdout());
    }

    private static MacAddress vtepMac(Remote shell, String ipJsonLink) throws LabException {
        try {
            JsonNode links = JSON.readTree(ipJsonLink);
            return MacAddress.parse(links.get(0).get("address").asText());
        } catch (IOException | RuntimeException e) {
            throw new LabException("cannot parse 'ip -j link show' output on node " + shell.name(), e);
        }
    }

    private static List<String> runAll(Remote shell, List<List<String>> commands) throws LabException {
        try {
            return shell.runAll(commands).stream().map(CommandResult::commandLine).toList();
        } catch (CommandFailedException e) {
            throw new LabException("flannel emulation failed on node " + shell.name() + ": " + e.getMessage(), e);
        }
    }
}
