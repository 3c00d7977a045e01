/**
 * A model of a flannel VXLAN cluster's IPv4 dataplane built from {@link dev.vxlab.detectors.state.NodeState}
 * snapshots: {@link dev.vxlab.detectors.model.DataplaneModel} traces a packet hop by hop
 * ({@link dev.vxlab.detectors.model.Trace}, {@link dev.vxlab.detectors.model.Hop},
 * {@link dev.vxlab.detectors.model.Verdict}), plays TCP conversations ({@link dev.vxlab.detectors.model.Exchange}) and
 * predicts which {@link dev.vxlab.detectors.model.Flow}s work. Pure functions of the snapshots: no I/O.
 *
 * <p>Inside: {@code Namespace} (one snapshot indexed), {@code RouteTable} (longest-prefix match),
 * {@code Routing} (source selection, route MTU, texts), {@code Topology} and {@code Segment} (what a frame sent out
 * of a device reaches), {@code Vxlan} (FDB, flood ARP, listener), {@code ReversePath} (martian and rp_filter),
 * {@code PacketWalk} (the kernel's order of steps).
 *
 * <p>{@link dev.vxlab.detectors.model.OwnSide} is the single-node walk the generic {@code path-broken} detector uses:
 * one node's own side of the path to a peer, on that node's snapshot alone, through the policy rules and every table
 * they name ({@code PolicyRouting}), reusing {@code Namespace}, {@code RouteTable} and {@code Routing}.
 */
package dev.vxlab.detectors.model;
