package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Detector;
import dev.vxlab.detectors.spi.StatePart;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.Severity;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.LinkCounters;
import dev.vxlab.detectors.state.NodeState;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Emits {@code otherhost-drops}, a symptom: the VXLAN device's rx_otherhost_dropped rose between the previous snapshot
 * and this one, so peers send frames to a MAC it does not have. Silent without a previous snapshot, when the device was
 * re-created in between, or when the kernel (before 5.19) does not count them. When this node's own MAC drifted, the
 * drops are that finding's consequence and are reported as INFO.
 */
public final class OtherhostDropsDetector implements Detector {

    @Override
    public String name() {
        return "otherhost-drops";
    }

    @Override
    public List<Finding> examine(DetectionInput in) {
        Vtep vtep = Vtep.of(in);
        if (!vtep.exists() || in.previous().isEmpty()) {
            return List.of();
        }
        Link now = vtep.device();
        Optional<Link> before = in.previous().flatMap(p -> sameDevice(p, now));
        OptionalLong was = before.map(OtherhostDropsDetector::otherhost).orElse(OptionalLong.empty());
        OptionalLong is = otherhost(now);
        if (was.isEmpty() || is.isEmpty() || is.getAsLong() <= was.getAsLong()) {
            return List.of();
        }
        long rise = is.getAsLong() - was.getAsLong();
        String dev = vtep.name();
        boolean drifted = !now.mac().equals(Optional.of(in.self().vtepMac()));
        String cause = drifted ? "explained by vtep-mac-drift: peers still send to the advertised "
                + in.self().vtepMac() : "a peer sends to a VTEP MAC this device does not have";
        return List.of(Catalog.OTHERHOST_DROPS.withSeverity(drifted ? Severity.INFO : Severity.WARNING).finding(in,
                dev, dev + " rx otherhost_dropped steady",
                dev + " rx otherhost_dropped " + was.getAsLong() + " -> " + is.getAsLong() + " (+" + rise + ")",
                dev + " on " + in.self().publicIp() + " dropped " + rise + " frame" + (rise == 1 ? "" : "s")
                        + " addressed to another MAC since the previous snapshot; " + cause));
    }

    /** The same device in the earlier snapshot: same name and index (a re-created device restarts its counters). */
    private static Optional<Link> sameDevice(NodeState previous, Link now) {
        return previous.link(now.name()).filter(l -> l.index() == now.index());
    }

    private static OptionalLong otherhost(Link link) {
        return link.counters().map(LinkCounters::rxOtherhostDropped).orElse(OptionalLong.empty());
    }

    @Override
    public java.util.Set<StatePart> reads() { return java.util.EnumSet.of(StatePart.LINKS, StatePart.ADDRESSES); }
}
