package dev.vxlab.lab.backend.netns;

import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.BackendInfo;
import dev.vxlab.lab.backend.Cluster;
import dev.vxlab.lab.backend.ClusterBackend;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.shell.ProcessRunner;
import dev.vxlab.lab.spec.ClusterSpec;
import java.time.Duration;
import java.util.List;

/**
 * The default backend: every node and pod is a network namespace on this kernel, the underlay is a bridge in the
 * run's fabric namespace, and flannel is emulated. It runs only inside the vxlab sandbox (bin/vxlab-sandbox), whose
 * own network namespace is not the host's, so nothing it does can touch the machine's network.
 */
public final class NetnsBackend implements ClusterBackend {
    public static final String NAME = "netns";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public BackendInfo info() throws LabException {
        if (!"1".equals(System.getenv("VXLAB_SANDBOX"))) {
            throw new LabException("the netns backend runs only inside the vxlab sandbox; start the lab through ./vxlab");
        }
        if (!ProcessRunner.run(List.of("ip", "-V"), Duration.ofSeconds(5)).ok()) {
            throw new LabException("'ip' (iproute2) is missing; install it with: apt-get install iproute2");
        }
        String mode = System.getenv().getOrDefault("VXLAB_SANDBOX_MODE", "root");
        boolean tcpdump = ProcessRunner.run(List.of("tcpdump", "--version"), Duration.ofSeconds(5)).ok();
        return new BackendInfo(NAME, mode.startsWith("rootless"), true,
                tcpdump && !mode.equals("rootless-nocapture"), System.getProperty("os.arch"), false);
    }

    @Override
    public Cluster create(ClusterSpec spec, LabRun run) throws LabException {
        BackendInfo info = info();
        NetnsClusterBuilder builder = new NetnsClusterBuilder(spec, run, info);
        try {
            return builder.build();
        } catch (LabException | RuntimeException e) {
            builder.removeEverything();
            throw e;
        }
    }
}
