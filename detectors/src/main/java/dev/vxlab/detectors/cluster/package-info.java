/**
 * The cluster view: one node's doctor cannot tell which side of a mismatch is wrong, every node's observations
 * together can. {@link dev.vxlab.detectors.cluster.ClusterCorrelation#correlate} is a pure function from what flannel
 * published and what each node shows ({@link dev.vxlab.detectors.cluster.NodeObservation}: from a snapshot, or from
 * that node's doctor's findings) to a {@link dev.vxlab.detectors.cluster.ClusterReport}: VtepMACs and public IPs
 * shared by nodes, the nodes whose device drifted from their publication, the peers that merely hold a MAC its owner
 * no longer has, and the order to fix them in.
 */
package dev.vxlab.detectors.cluster;
