package dev.vxlab.lab.backend;

import java.util.EnumSet;
import java.util.Set;

/**
 * What a backend can do, so the layers above adapt without instanceof (like kind's provider Info).
 *
 * @param name         the backend's name on the command line
 * @param capabilities what it offers here (see {@link Capability})
 * @param architecture the nodes' CPU architecture as {@code uname -m} says it (x86_64, aarch64)
 */
public record BackendInfo(String name, Set<Capability> capabilities, String architecture) {

    public BackendInfo {
        capabilities = capabilities.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(capabilities));
    }

    public boolean has(Capability capability) {
        return capabilities.contains(capability);
    }

    /** The same backend with a capability taken away (e.g. the fast path, for {@code --no-fast-path}). */
    public BackendInfo without(Capability capability) {
        EnumSet<Capability> fewer = capabilities.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(capabilities);
        fewer.remove(capability);
        return new BackendInfo(name, fewer, architecture);
    }
}
