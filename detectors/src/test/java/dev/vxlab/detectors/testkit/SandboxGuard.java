package dev.vxlab.detectors.testkit;

/**
 * Test kits that create network namespaces call this first: outside the vxlab sandbox (a plain JVM, e.g.
 * {@code ./mvnw test -Dvxlab.unit} as root) they would add namespaces to the machine's own /run/netns. The sandbox
 * (bin/vxlab-sandbox) sets VXLAB_SANDBOX=1; its network and mount namespaces are its own.
 */
public final class SandboxGuard {
    private SandboxGuard() {}

    public static void require() {
        if (!"1".equals(System.getenv("VXLAB_SANDBOX"))) {
            throw new IllegalStateException("this test creates network namespaces and runs only inside the vxlab "
                    + "sandbox (./vxlab test); tag it @Kernel so ./mvnw test -Dvxlab.unit leaves it out");
        }
    }
}
