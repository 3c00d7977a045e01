package dev.vxlab.lab.daemons;

import dev.vxlab.lab.Lab;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.backend.netns.NetnsBackend;
import dev.vxlab.lab.spec.ClusterSpec;
import java.nio.file.Path;

/**
 * A lab with NetworkManager and firewalld running on a node (and udev's builtin run once there), held until killed
 * (KilledRunLeavesNothingTest).
 */
public final class DaemonsHoldMain {
    private DaemonsHoldMain() {}

    public static void main(String[] args) throws Exception {
        ClusterSpec spec = ClusterSpec.field(2);
        Lab lab = Lab.start(new NetnsBackend(), spec, LabRun.random(Path.of(args[0])));
        NodeDaemons daemons = lab.daemons(spec.nodes().getFirst().name());
        daemons.start(Daemon.NETWORK_MANAGER);
        daemons.start(Daemon.FIREWALLD);
        // udev's builtin, confined the same way (a short-lived program: it must leave no mount either).
        var udev = daemons.udev(java.util.List.of("udevadm", "test-builtin", "net_setup_link",
                "/sys/class/net/" + spec.vtepDevice()));
        if (!udev.ok()) {
            throw new IllegalStateException("udevadm failed: " + udev.stderr());
        }
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
