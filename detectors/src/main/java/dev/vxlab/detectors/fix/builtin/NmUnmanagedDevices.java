package dev.vxlab.detectors.fix.builtin;

import dev.vxlab.detectors.fix.Fix;
import dev.vxlab.detectors.action.NodeAction;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.FixIds;
import dev.vxlab.detectors.state.NmFacts;
import java.util.List;

/**
 * The field report's permanent fix: tell NetworkManager to leave the CNI's devices alone, then have it read that:
 * {@code nmcli general reload conf}, or a restart where it activated one of those devices itself.
 */
public final class NmUnmanagedDevices implements Fix {
    public static final String DROP_IN = "/etc/NetworkManager/conf.d/k8s.conf";
    public static final String CONTENT = """
            [keyfile]
            unmanaged-devices=interface-name:cali*;interface-name:tunl*;interface-name:vxlan.calico;interface-name:flannel*;interface-name:veth*;interface-name:cni0;interface-name:docker0
            """;

    @Override
    public String id() {
        return FixIds.NM_UNMANAGED_DEVICES;
    }

    @Override
    public int rank() {
        return CONFIGURATION;
    }

    @Override
    public String description() {
        return "write the field's NetworkManager drop-in (" + DROP_IN + ") and reload NetworkManager's configuration"
                + " (restart NetworkManager instead where it activated a device the drop-in makes unmanaged)";
    }

    @Override
    public List<NodeAction> plan(List<Finding> findings, DetectionInput input) {
        NodeAction write = new NodeAction.WriteFile(DROP_IN, CONTENT);
        NmFacts nm = input.current().networkManager();
        // A NetworkManager that is not running reads the drop-in when it starts; one that runs must read it now.
        if (!nm.running()) {
            return List.of(write);
        }
        // A reload makes NetworkManager let go of a device it activated by deconfiguring it (address deleted, link
        // down: seen with NetworkManager 1.42 on cni0); started again on the drop-in, it leaves every device as it is.
        return nowUnmanaged(nm.activatedDevices()).isEmpty()
                ? List.of(write, NodeAction.Run.of("nmcli", "general", "reload", "conf"))
                : List.of(write, NodeAction.Run.of("systemctl", "restart", "NetworkManager"));
    }

    /** The devices among {@code activated} that the drop-in makes unmanaged. */
    static List<String> nowUnmanaged(List<String> activated) {
        NmFacts dropIn = new NmFacts(true, true, SPECS);
        return activated.stream().filter(dropIn::unmanages).toList();
    }

    private static final List<String> SPECS = List.of(CONTENT.strip().lines().reduce((a, b) -> b).orElseThrow()
            .replace("unmanaged-devices=", "").split(";"));
}
