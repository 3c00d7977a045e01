package dev.vxlab.detectors.spi;

import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.advertised.ClusterView;
import dev.vxlab.detectors.advertised.SubnetEnv;
import dev.vxlab.detectors.state.NodeState;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a detector may look at for one node.
 *
 * @param nodeName   the node's name; it must be in {@code advertised} (a node flannel never registered is the
 *                   caller's input error, not a finding)
 * @param current    the node's snapshot now
 * @param previous   an earlier snapshot of the same node, for counters that must rise to mean something
 * @param advertised what flannel published for every node, this one included
 * @param subnetEnv  this node's {@code /run/flannel/subnet.env}, when it could be read
 * @param flannel    flannel's configuration ({@link FlannelConfig#DEFAULT} unless the cluster changed it)
 */
public record DetectionInput(String nodeName, NodeState current, Optional<NodeState> previous,
                             ClusterView advertised, Optional<SubnetEnv> subnetEnv, FlannelConfig flannel) {

    public DetectionInput {
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(advertised, "advertised");
        Objects.requireNonNull(subnetEnv, "subnetEnv");
        Objects.requireNonNull(flannel, "flannel");
        if (find(advertised, nodeName) < 0) {
            throw new IllegalArgumentException("node '" + nodeName + "' is not in the advertised view (nodes: "
                    + advertised.nodes().stream().limit(10).map(AdvertisedNode::name).toList()
                    + (advertised.nodes().size() > 10 ? " …" : "") + "); has flannel registered it?");
        }
    }

    /** One snapshot, no subnet.env, flannel's defaults. */
    public static DetectionInput of(String nodeName, NodeState current, ClusterView advertised) {
        return new DetectionInput(nodeName, current, Optional.empty(), advertised, Optional.empty(),
                FlannelConfig.DEFAULT);
    }

    public DetectionInput withPrevious(NodeState earlier) {
        return new DetectionInput(nodeName, current, Optional.of(earlier), advertised, subnetEnv, flannel);
    }

    public DetectionInput withSubnetEnv(SubnetEnv env) {
        return new DetectionInput(nodeName, current, previous, advertised, Optional.of(env), flannel);
    }

    public DetectionInput withFlannel(FlannelConfig config) {
        return new DetectionInput(nodeName, current, previous, advertised, subnetEnv, config);
    }

    /** What flannel advertised for this node. */
    public AdvertisedNode self() {
        return advertised.nodes().get(find(advertised, nodeName));
    }

    /** Binary search: the view is sorted by name, and a detector asks once per call even with thousands of nodes. */
    private static int find(ClusterView view, String name) {
        List<AdvertisedNode> nodes = view.nodes();
        int low = 0;
        int high = nodes.size() - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int cmp = nodes.get(mid).name().compareTo(name);
            if (cmp < 0) {
                low = mid + 1;
            } else if (cmp > 0) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }
}
