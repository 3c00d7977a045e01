package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Detector;
import dev.vxlab.detectors.spi.StatePart;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.state.UdevFacts;
import java.util.List;
import java.util.Optional;

/**
 * Emits {@code udev-mac-policy}, a risk, where udev is the culprit: the VXLAN device's MAC IS the one udev's default
 * MACAddressPolicy=persistent derives for it from the node's machine id (no coincidence: 46 bits of a keyed hash),
 * and no .link file of the node keeps its MAC. Whether the cluster was told that MAC or not (vtep-mac-drift says so),
 * the next flannel.1 created without a MAC will get it again after flanneld advertised the kernel's.
 */
public final class UdevMacPolicyDetector implements Detector {

    @Override
    public String name() {
        return "udev-mac-policy";
    }

    @Override
    public List<Finding> examine(DetectionInput in) {
        UdevFacts udev = in.current().udev();
        Vtep vtep = Vtep.of(in);
        if (!udev.inspected() || !vtep.exists()) {
            return List.of();
        }
        String dev = vtep.name();
        Optional<MacAddress> persistent = udev.persistentMac(dev);
        Optional<MacAddress> mac = vtep.device().mac();
        if (persistent.isEmpty() || !persistent.equals(mac) || udev.keepsKernelMac(dev)) {
            return List.of();
        }
        boolean drifted = !mac.equals(Optional.of(in.self().vtepMac()));
        String linkFile = udev.linkFileFor(dev).map(f -> f.name() + " applies, MACAddressPolicy="
                + f.macAddressPolicy().orElse("(none set)")).orElse("no .link file of the node matches " + dev);
        return List.of(Catalog.UDEV_MAC_POLICY.finding(in, dev,
                "a .link file with MACAddressPolicy=none for " + dev + " (udev leaves the MAC flanneld read)",
                dev + " link/ether " + mac.get() + " = udev's persistent MAC for " + dev + " on this machine id; "
                        + linkFile,
                "udev's MACAddressPolicy=persistent gave " + dev + " on " + in.self().publicIp() + " its MAC "
                        + mac.get() + (drifted ? " after flanneld advertised " + in.self().vtepMac()
                                : "; it will do so again when " + dev + " is re-created")
                        + " (systemd 242+, flannel-io/flannel#1155)"));
    }

    @Override
    public java.util.Set<StatePart> reads() { return java.util.EnumSet.of(StatePart.LINKS, StatePart.ADDRESSES, StatePart.UDEV); }
}
