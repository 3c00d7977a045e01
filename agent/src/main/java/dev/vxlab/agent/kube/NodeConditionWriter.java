package dev.vxlab.agent.kube;

import dev.vxlab.detectors.spi.Diagnosis;
import dev.vxlab.detectors.spi.Finding;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Node status condition {@value #TYPE} (with {@code --node-condition}): True when healthy, False with reason
 * {@code DataplaneFaults} and the fault ids otherwise. Written only when it changes, so a steady node costs the API
 * server nothing; the transition time moves only when the status does, as kubelet's own conditions do.
 */
public final class NodeConditionWriter {
    public static final String TYPE = "FlannelDataplaneHealthy";

    private final KubernetesClient client;
    private final String nodeName;
    private String lastStatus;
    private String lastMessage;
    private volatile boolean lastWriteFailed;

    public NodeConditionWriter(KubernetesClient client, String nodeName) {
        this.client = Objects.requireNonNull(client, "client");
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
    }

    /** The condition for this diagnosis (transition time now). */
    static NodeCondition condition(Diagnosis diagnosis, Instant now) {
        boolean healthy = diagnosis.healthy();
        List<String> faults = diagnosis.findings().stream().filter(f -> f.severity().impairsTraffic())
                .map(Finding::fault).distinct().toList();
        return new NodeConditionBuilder().withType(TYPE).withStatus(healthy ? "True" : "False")
                .withReason(healthy ? "DataplaneHealthy" : "DataplaneFaults")
                .withMessage(healthy ? "vxlab finds flannel's VXLAN dataplane healthy on this node"
                        : "vxlab finds " + String.join(", ", faults) + " on this node (vxlab doctor --host --fix)")
                .withLastHeartbeatTime(now.toString()).withLastTransitionTime(now.toString()).build();
    }

    /** Writes the condition when its status or message changed since the last write; returns whether it wrote. */
    public synchronized boolean write(Diagnosis diagnosis, Instant now) {
        NodeCondition wanted = condition(diagnosis, now);
        if (wanted.getStatus().equals(lastStatus) && wanted.getMessage().equals(lastMessage)) {
            return false;
        }
        lastWriteFailed = true; // until the API server took it
        client.nodes().withName(nodeName).editStatus(node -> {
            List<NodeCondition> conditions = new ArrayList<>(node.getStatus() == null || node.getStatus().getConditions() == null
                    ? List.of() : node.getStatus().getConditions());
            NodeCondition old = conditions.stream().filter(c -> TYPE.equals(c.getType())).findFirst().orElse(null);
            if (old != null && old.getStatus().equals(wanted.getStatus())) {
                wanted.setLastTransitionTime(old.getLastTransitionTime());
            }
            conditions.removeIf(c -> TYPE.equals(c.getType()));
            conditions.add(wanted);
            if (node.getStatus() == null) {
                node.setStatus(new io.fabric8.kubernetes.api.model.NodeStatus());
            }
            node.getStatus().setConditions(conditions);
            return node;
        });
        lastStatus = wanted.getStatus();
        lastMessage = wanted.getMessage();
        lastWriteFailed = false;
        return true;
    }

    /** Whether the last write did not reach the API server (then the agent tries again on its timer). */
    public boolean lastWriteFailed() {
        return lastWriteFailed;
    }
}
