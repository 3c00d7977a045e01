/**
 * A node's dataplane as plain, immutable records named after the kernel's own objects and fields, in the spirit of
 * vishvananda/netlink: {@link dev.vxlab.detectors.state.Link}, {@link dev.vxlab.detectors.state.Address},
 * {@link dev.vxlab.detectors.state.Route}, {@link dev.vxlab.detectors.state.Neighbor},
 * {@link dev.vxlab.detectors.state.FdbEntry}, {@link dev.vxlab.detectors.state.RoutingRule}, {@link dev.vxlab.detectors.state.Sysctls}, plus
 * {@link dev.vxlab.detectors.state.NmFacts}, gathered in a {@link dev.vxlab.detectors.state.NodeState}.
 *
 * <p>Every field holds what the kernel holds (numbers, bit masks, indexes), never a tool's spelling of it, so any
 * source (iproute2's JSON, a netlink dump) yields equal records for the same namespace. Enums and the small value
 * records ({@link dev.vxlab.detectors.state.Scope}, {@link dev.vxlab.detectors.state.Route.Protocol}) carry the
 * kernel's numbers; {@code toString()} prints the way iproute2 does, for evidence lines in findings.
 */
package dev.vxlab.detectors.state;
