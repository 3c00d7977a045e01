package dev.vxlab.agent.kube;

import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.advertised.AdvertisedViewException;
import dev.vxlab.detectors.advertised.NodeListReader;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;

/**
 * One fabric8 Node object as the doctor's advertisement. The Node is serialized to the JSON the API server sent and
 * read by {@link NodeListReader}, the same strict reader {@code kubectl get nodes -o json} goes through, so the agent
 * and the CLI cannot disagree about what flannel published.
 */
public final class NodeViews {
    private final KubernetesSerialization json;

    public NodeViews(KubernetesSerialization json) {
        this.json = json;
    }

    /** What flannel published for this Node; an exception names what is missing (flannel has not registered it yet). */
    public AdvertisedNode read(Node node) throws AdvertisedViewException {
        List<AdvertisedNode> one = NodeListReader.read(json.asJson(node)).nodes(); // a single Node reads as a list of one
        return one.getFirst();
    }
}
