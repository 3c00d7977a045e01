package dev.vxlab.lab.backend;

import dev.vxlab.detectors.remote.Command;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.spec.NodePlan;
import dev.vxlab.lab.spec.PodPlan;
import java.time.Duration;

/**
 * What the CNI bridge plugin does for each pod of a node whose pods are named network namespaces inside the node (a
 * VM or a container): a namespace, a veth on cni0, the pod's address and default route. One shell script per node,
 * because a round trip to a remote node is the expensive part (tens of milliseconds per guest-exec under TCG).
 */
public final class PodNamespaces {
    private PodNamespaces() {}

    /** The pod's namespace name inside its node: its name (the node is the machine, so no node prefix is needed). */
    public static String namespace(PodPlan pod) {
        return pod.name();
    }

    /**
     * Builds every pod of {@code node} through its remote.
     *
     * @param ip the {@code ip} command to call (an absolute path where a shell, like busybox's, would run its own
     *           applet before $PATH)
     */
    public static void build(ClusterSpec spec, NodePlan node, Remote shell, String ip, Duration timeout)
            throws LabException {
        String mtu = Integer.toString(spec.vxlanMtu());
        StringBuilder script = new StringBuilder("set -e\n");
        for (PodPlan pod : spec.podsOn(node.name())) {
            String ns = namespace(pod);
            script.append(ip).append(" netns add ").append(ns).append('\n');
            script.append(ip).append(" netns exec ").append(ns)
                    .append(" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1\n");
            script.append(ip).append(" link add ").append(pod.hostVeth()).append(" mtu ").append(mtu)
                    .append(" type veth peer name eth0 mtu ").append(mtu).append(" netns ").append(ns).append('\n');
            script.append(ip).append(" link set dev ").append(pod.hostVeth()).append(" master cni0 up\n");
            script.append(ip).append(" -n ").append(ns).append(" link set dev lo up\n");
            script.append(ip).append(" -n ").append(ns).append(" addr add ").append(pod.ip()).append('/')
                    .append(node.subnet().length()).append(" dev eth0\n");
            script.append(ip).append(" -n ").append(ns).append(" link set dev eth0 up\n");
            script.append(ip).append(" -n ").append(ns).append(" route add default via ")
                    .append(node.bridgeAddress().address()).append(" dev eth0\n");
        }
        CommandResult result = shell.run(Command.of("sh", "-s").withStdin(script.toString()).withTimeout(timeout));
        if (!result.ok()) {
            throw new LabException("building the pods of node " + node.name() + " failed: " + result.stderr().strip());
        }
    }
}
