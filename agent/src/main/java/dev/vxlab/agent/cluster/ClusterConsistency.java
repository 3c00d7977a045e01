package dev.vxlab.agent.cluster;

import dev.vxlab.detectors.advertised.ClusterView;
import dev.vxlab.detectors.cluster.ClusterCorrelation;
import dev.vxlab.detectors.cluster.ClusterReport;
import dev.vxlab.detectors.cluster.NodeObservation;
import dev.vxlab.detectors.spi.FlannelConfig;
import dev.vxlab.detectors.state.NodeState;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The cluster view (the doctor's {@link ClusterCorrelation}) from one agent's vantage: every Node object the informer
 * holds, and this node's own snapshot. From that alone it names the VtepMACs and public IPs several Nodes publish
 * alike, an address of this node that another Node publishes, and whether this node drifted from its own
 * publication. Which peers are stale needs their snapshots: each peer's own agent reports what it holds.
 *
 * <p>Correlating walks every Node, so it is recomputed only when the view changed (the informer builds a new view
 * object only when an advertisement changed) or when this node's VTEP MAC or addresses did; the last report is kept
 * for {@code /cluster} and the metrics. Called from one thread (the agent's reporter).
 */
public final class ClusterConsistency {
    private final String nodeName;
    private final FlannelConfig flannel;
    private ClusterView lastView;
    private NodeObservation lastObservation;
    private volatile ClusterReport report;

    public ClusterConsistency(String nodeName, FlannelConfig flannel) {
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.flannel = Objects.requireNonNull(flannel, "flannel");
    }

    /**
     * The report for this view and snapshot: a new one when either changed what the correlation reads, else empty
     * (nothing to say again).
     */
    public Optional<ClusterReport> update(ClusterView view, NodeState own) {
        // A node the NodeList does not hold yet cannot be correlated: the published view alone is still checked.
        NodeObservation observation = view.byName(nodeName).isPresent()
                ? NodeObservation.ofSnapshot(nodeName, own, flannel) : null;
        if (view == lastView && Objects.equals(observation, lastObservation)) {
            return Optional.empty();
        }
        lastView = view;
        lastObservation = observation;
        ClusterReport next = ClusterCorrelation.correlate(view,
                observation == null ? List.of() : List.of(observation));
        boolean changed = !next.equals(report);
        report = next;
        return changed ? Optional.of(next) : Optional.empty();
    }

    /** The last report, if any pass has been correlated. */
    public Optional<ClusterReport> report() {
        return Optional.ofNullable(report);
    }
}
