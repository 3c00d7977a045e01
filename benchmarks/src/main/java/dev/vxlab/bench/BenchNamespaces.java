package dev.vxlab.bench;

import dev.vxlab.detectors.testkit.FlannelNamespace;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Real flannel-shaped namespaces for benchmarks, named so that concurrent runs in one sandbox do not collide. */
final class BenchNamespaces {
    private BenchNamespaces() {}

    static FlannelNamespace create(String role, int peers) {
        String name = "vxb" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt()) + "-" + role
                + peers;
        return FlannelNamespace.create(name, peers);
    }
}
