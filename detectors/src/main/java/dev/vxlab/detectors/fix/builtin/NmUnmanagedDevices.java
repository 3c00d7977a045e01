package dev.vxlab.detectors.fix.builtin;

import dev.vxlab.detectors.fix.Fix;
import dev.vxlab.detectors.action.NodeAction;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.FixIds;
import java.util.List;

/** The field report's permanent fix: tell NetworkManager to leave the CNI's devices alone, then reload it. */
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
        return "write the field's NetworkManager drop-in (" + DROP_IN + ") and reload NetworkManager's configuration";
    }

    @Override
    public List<NodeAction> plan(List<Finding> findings, DetectionInput input) {
        NodeAction write = new NodeAction.WriteFile(DROP_IN, CONTENT);
        // A NetworkManager that is not running reads the drop-in when it starts; one that runs must reload.
        return input.current().networkManager().running()
                ? List.of(write, NodeAction.Run.of("nmcli", "general", "reload", "conf"))
                : List.of(write);
    }
}
