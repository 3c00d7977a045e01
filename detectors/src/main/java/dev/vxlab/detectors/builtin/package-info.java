/**
 * The built-in detectors, registered for {@link java.util.ServiceLoader} in
 * {@code META-INF/services/dev.vxlab.detectors.spi.Detector}. Each is a pure function of its input.
 *
 * <h2>Root cause first</h2>
 * A fault that makes the kernel drop other state is reported alone; what the kernel dropped with it is not reported
 * at all (not even as INFO), so a finding always names something a fix must touch:
 * <ul>
 *   <li>no VXLAN device ({@code vxlan-device-missing}): nothing else about it (MAC, address, link, config, peer entries,
 *       its MTU, its underlay, its counters);</li>
 *   <li>the device down ({@code vtep-link-down}) or without any address ({@code vtep-address-missing}): no route or
 *       neighbor findings through it; FDB entries survive both in the kernel and are still checked;</li>
 *   <li>a drifted MAC ({@code vtep-mac-drift}) is this node's fault only: peers' entries match the advertisement;
 *       the otherhost drops it causes are reported as INFO;</li>
 *   <li>the underlay down or without a carrier ({@code vtep-link-down}, {@code underlay-no-carrier} on eth0): no
 *       finding for the routes the kernel deleted with it (the default route, the peers' public IPs);</li>
 *   <li>a VtepMAC shared with another node ({@code duplicate-vtep-mac}) is named on every node that shares it, not on
 *       a node whose VXLAN device is missing; which one to change is the cluster view's call
 *       ({@code detectors.cluster});</li>
 *   <li>many peers with the same fault make one finding per fault and device, naming the peers (capped);</li>
 *   <li>the generic {@code path-broken} ({@link dev.vxlab.detectors.builtin.PathWalkDetector}, a fallback the doctor
 *       runs last) speaks only where no other critical or warning finding is node-wide, on flannel.1 or cni0, on the
 *       device where the walk died, or names the peer.</li>
 * </ul>
 */
package dev.vxlab.detectors.builtin;
