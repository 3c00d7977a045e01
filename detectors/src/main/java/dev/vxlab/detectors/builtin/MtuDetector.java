package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.advertised.SubnetEnv;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Detector;
import dev.vxlab.detectors.spi.StatePart;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.state.Link;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Emits {@code mtu-mismatch}, one finding per device:
 * <ul>
 *   <li>the underlay (the VXLAN device's underlay link) is smaller than the VXLAN device's MTU (or FLANNEL_MTU, the
 *       larger) + 50: full-size encapsulated frames do not fit and are dropped (the summary says "underlay MTU too
 *       small");</li>
 *   <li>the VXLAN device's MTU differs from the pod network's: subnet.env's FLANNEL_MTU, or without subnet.env the
 *       underlay's MTU - 50 (not judged then when the underlay is already too small: that is the same fact);</li>
 *   <li>cni0 or a pod veth differs from the pod network's MTU. The reference is what the VXLAN device SHOULD have,
 *       so a wrong flannel.1 is one finding, not one per pod.</li>
 * </ul>
 */
public final class MtuDetector implements Detector {
    /** flannel's VXLAN overhead on IPv4: outer IP 20 + UDP 8 + VXLAN 8 + inner Ethernet 14. */
    static final int VXLAN_OVERHEAD = 50;

    @Override
    public String name() {
        return "mtu";
    }

    @Override
    public List<Finding> examine(DetectionInput in) {
        List<Finding> out = new ArrayList<>();
        String ip = in.self().publicIp().toString();
        Optional<Integer> fromEnv = in.subnetEnv().map(SubnetEnv::mtu);
        Optional<Integer> podMtu = fromEnv;
        String podMtuSource = "FLANNEL_MTU";
        Vtep vtep = Vtep.of(in);
        if (vtep.exists()) {
            Link v = vtep.device();
            Optional<Link> underlay = vtep.underlay(in.current());
            // The underlay must carry the larger of flannel.1's MTU and FLANNEL_MTU (what the pods send) + 50.
            int carried = Math.max(v.mtu(), fromEnv.orElse(0));
            String carriedBy = carried == v.mtu() ? v.name() + " mtu " + v.mtu() : "FLANNEL_MTU " + carried;
            boolean underlayTooSmall = underlay.isPresent() && underlay.get().mtu() < carried + VXLAN_OVERHEAD;
            if (underlayTooSmall) {
                Link u = underlay.get();
                out.add(Catalog.MTU_MISMATCH.finding(in, u.name(),
                        u.name() + " mtu >= " + (carried + VXLAN_OVERHEAD) + " (" + carriedBy + " + "
                                + VXLAN_OVERHEAD + " VXLAN overhead)",
                        u.name() + " mtu " + u.mtu(),
                        "underlay MTU too small: " + u.name() + " on " + ip + " carries at most " + u.mtu()
                                + " bytes but " + v.name() + " sends up to " + (carried + VXLAN_OVERHEAD)
                                + " with VXLAN's overhead: large packets between pods are dropped silently"));
            }
            if (fromEnv.isEmpty() && underlay.isPresent() && !underlayTooSmall) {
                podMtu = Optional.of(underlay.get().mtu() - VXLAN_OVERHEAD);
                podMtuSource = underlay.get().name() + " mtu " + underlay.get().mtu() + " - " + VXLAN_OVERHEAD;
            }
            if (podMtu.isPresent() && v.mtu() != podMtu.get()) {
                out.add(mismatch(in, v, podMtu.get(), podMtuSource, v.name() + " on " + ip + " has mtu " + v.mtu()
                        + " but the pod network's is " + podMtu.get() + ": "
                        + (v.mtu() < podMtu.get() ? "pods' full-size packets to other nodes are dropped"
                                : "encapsulated full-size packets exceed what the underlay carries")));
            }
            if (podMtu.isEmpty()) {
                podMtu = Optional.of(v.mtu());
                podMtuSource = v.name() + "'s";
            }
        }
        if (podMtu.isEmpty()) {
            return out;
        }
        int want = podMtu.get();
        String bridge = in.flannel().bridgeDevice();
        Optional<Link> cni0 = in.current().link(bridge);
        if (cni0.isPresent() && cni0.get().mtu() != want) {
            out.add(mismatch(in, cni0.get(), want, podMtuSource, bridge + " on " + ip + " has mtu " + cni0.get().mtu()
                    + " but the pod network's is " + want + ": packets between the two sizes are dropped"));
        }
        for (Link veth : PodVeths.of(in.current(), bridge)) {
            if (veth.mtu() != want) {
                out.add(mismatch(in, veth, want, podMtuSource, "pod veth " + veth.name() + " on " + ip + " has mtu "
                        + veth.mtu() + " but the pod network's is " + want
                        + ": its pod's packets between the two sizes are dropped"));
            }
        }
        return out;
    }

    private static Finding mismatch(DetectionInput in, Link link, int want, String source, String summary) {
        return Catalog.MTU_MISMATCH.finding(in, link.name(), link.name() + " mtu " + want + " (" + source + ")",
                link.name() + " mtu " + link.mtu(), summary);
    }

    @Override
    public java.util.Set<StatePart> reads() { return java.util.EnumSet.of(StatePart.LINKS, StatePart.ADDRESSES); }
}
