package dev.vxlab.backend.kind;

import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.advertised.AdvertisedViewException;
import dev.vxlab.detectors.advertised.NodeListReader;
import dev.vxlab.detectors.remote.Commands;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.flannel.FlannelControl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Real flanneld on kind: the leases are what flanneld annotated on the Node objects ({@code kubectl get nodes -o
 * json}, also saved as the run's nodes.json), and a restart is the real one, deleting the node's flannel pod so the
 * DaemonSet starts a new flanneld, which re-reads flannel.1 and publishes its MAC again.
 */
final class KindFlannel implements FlannelControl {
    private static final Duration RESTART = Duration.ofMinutes(3);

    private final KindTools tools;
    private final KindCommands commands;
    private final Map<String, KindNodeRemote> nodes;
    private final Path nodeList;

    KindFlannel(KindTools tools, KindCommands commands, Map<String, KindNodeRemote> nodes, Path nodeList) {
        this.tools = tools;
        this.commands = commands;
        this.nodes = Map.copyOf(nodes);
        this.nodeList = nodeList;
    }

    /** Reads the NodeList now and keeps a copy in nodes.json. */
    String refresh() throws LabException {
        String json = tools.check("reading the node list", commands.nodesJson(), Duration.ofSeconds(30));
        try {
            Files.createDirectories(nodeList.getParent());
            Files.writeString(nodeList, json);
        } catch (IOException e) {
            throw new LabException("cannot write " + nodeList + ": " + e.getMessage(), e);
        }
        return json;
    }

    @Override
    public List<AdvertisedNode> leases() {
        try {
            return NodeListReader.read(refresh()).nodes();
        } catch (LabException | AdvertisedViewException e) {
            throw new IllegalStateException("cannot read flannel's leases from the cluster: " + e.getMessage(), e);
        }
    }

    /** nodes.json as the cluster publishes it now (read again: flanneld re-annotates nodes on its own). */
    @Override
    public Path nodeListFile() {
        try {
            refresh();
        } catch (LabException e) {
            // the last copy stays; whoever reads it compares it with the devices and says what differs
        }
        return nodeList;
    }

    @Override
    public RestartResult restart(String node) throws LabException {
        String previous = lease(node).vtepMac().toString();
        List<String> delete = commands.deleteFlannelPod(node);
        tools.check("deleting node " + node + "'s flannel pod", delete, Duration.ofSeconds(90));
        long deadline = System.nanoTime() + RESTART.toNanos();
        while (true) {
            String mac = readyMac(node);
            if (mac != null) {
                return new RestartResult(node, previous, mac, List.of(Commands.render(delete)));
            }
            if (System.nanoTime() > deadline) {
                throw new LabException("node " + node + "'s new flanneld did not come up with flannel.1 within "
                        + RESTART.toMinutes() + " minutes");
            }
            KindClusterBuilder.pause(Duration.ofMillis(500));
        }
    }

    /**
     * The node's flannel.1 MAC once a new flannel pod is Ready there and its lease advertises that MAC (flanneld
     * publishes after it has set the device up), else null.
     */
    private String readyMac(String node) throws LabException {
        String pods = tools.check("listing flannel's pods", commands.podsJson(FlannelManifest.NAMESPACE),
                Duration.ofSeconds(30));
        boolean ready = KubeOutput.pods(pods).stream().anyMatch(p -> p.node().equals(node) && p.ready());
        if (!ready) {
            return null;
        }
        var link = nodes.get(node).run("ip", "-j", "link", "show", "flannel.1");
        if (!link.ok()) {
            return null;
        }
        String mac = KubeOutput.link(link.stdout()).mac();
        return lease(node).vtepMac().toString().equalsIgnoreCase(mac) ? mac : null;
    }
}
