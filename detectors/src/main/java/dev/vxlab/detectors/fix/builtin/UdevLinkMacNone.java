package dev.vxlab.detectors.fix.builtin;

import dev.vxlab.detectors.action.NodeAction;
import dev.vxlab.detectors.fix.Fix;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.FixIds;
import java.util.List;

/**
 * Keeps udev's default MACAddressPolicy=persistent off flannel's devices: a .link file that sorts before
 * 99-default.link and matches them by their original name. systemd-udevd reads .link files again when they change,
 * so the next flannel.1 keeps the MAC the kernel (or flanneld) gave it; the current device keeps its MAC too (a
 * flanneld restart re-publishes it, which vtep-mac-drift's fix does).
 */
public final class UdevLinkMacNone implements Fix {
    public static final String LINK_FILE = "/etc/systemd/network/10-flannel.link";
    public static final String CONTENT = """
            [Match]
            OriginalName=flannel*

            [Link]
            MACAddressPolicy=none
            """;

    @Override
    public String id() {
        return FixIds.UDEV_LINK_MAC_NONE;
    }

    @Override
    public int rank() {
        return CONFIGURATION + 20; // configuration, after NetworkManager's drop-in and firewalld (ranks are unique)
    }

    @Override
    public String description() {
        return "write " + LINK_FILE + " (MACAddressPolicy=none for flannel*): udev leaves flannel.1's MAC alone";
    }

    @Override
    public List<NodeAction> plan(List<Finding> findings, DetectionInput input) {
        return List.of(new NodeAction.WriteFile(LINK_FILE, CONTENT));
    }
}
