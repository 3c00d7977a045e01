package dev.vxlab.scenarios.file;

import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.lab.spec.ClusterSpec;

/** The cluster shapes a scenario (or a {@code @VxLab} field) can name, with the defaults of an address plan. */
public final class ClusterPlans {
    public static final String FIELD = "field";
    public static final Ipv4Prefix DEFAULT_UNDERLAY = Ipv4Prefix.parse("192.168.49.0/24");
    public static final int DEFAULT_FIRST_HOST = 2;
    public static final Ipv4Prefix DEFAULT_SERVICES = Ipv4Prefix.parse("10.96.0.0/16");
    public static final String DEFAULT_DOMAIN = "cluster.local";
    public static final int DEFAULT_VNI = 1;
    public static final int DEFAULT_PORT = 8472;
    public static final int DEFAULT_MTU = 1500;

    private ClusterPlans() {}

    /** A named profile; only the field report's exists. */
    public static ClusterSpec profile(String name, int nodes) {
        if (!FIELD.equals(name)) {
            throw new IllegalArgumentException("unknown profile " + Excerpt.quote(name) + " (known: " + FIELD + "; or give a plan)");
        }
        return ClusterSpec.field(nodes);
    }

    /** A cluster on the given pod network with every other setting at its default. */
    public static ClusterSpec plan(int nodes, Ipv4Prefix podNetwork) {
        return ClusterSpec.plan("plan", nodes, DEFAULT_UNDERLAY, DEFAULT_FIRST_HOST, false, podNetwork,
                DEFAULT_SERVICES, DEFAULT_DOMAIN, DEFAULT_VNI, DEFAULT_PORT, DEFAULT_MTU);
    }
}
