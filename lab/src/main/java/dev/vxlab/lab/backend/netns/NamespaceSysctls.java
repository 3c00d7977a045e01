package dev.vxlab.lab.backend.netns;

import dev.vxlab.detectors.netns.NamespaceException;
import dev.vxlab.detectors.netns.NetnsExecutor;
import dev.vxlab.lab.LabException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a namespace's sysctls from a thread of this JVM that entered it: the kernel resolves /proc/sys/net by the
 * writing thread's network namespace, so no {@code ip netns exec sysctl} process (and its private mount namespace)
 * is needed per namespace, which is what made building hundreds of them slow.
 */
final class NamespaceSysctls {
    private NamespaceSysctls() {}

    /** Sets each {@code net.x.y} key to its value in the named namespace, in the map's order. */
    static void write(String namespace, Map<String, String> settings) throws LabException {
        try (NetnsExecutor inside = NetnsExecutor.open(Path.of("/run/netns", namespace))) {
            inside.call(() -> {
                for (Map.Entry<String, String> setting : settings.entrySet()) {
                    Path file = Path.of("/proc/sys", setting.getKey().replace('.', '/'));
                    try {
                        Files.writeString(file, setting.getValue());
                    } catch (IOException e) {
                        throw new LabException("cannot set " + setting.getKey() + "=" + setting.getValue()
                                + " in namespace " + namespace + ": " + e.getMessage(), e);
                    }
                }
                return null;
            });
        } catch (NamespaceException e) {
            throw new LabException(e.getMessage(), e);
        } catch (LabException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new LabException("cannot set sysctls in namespace " + namespace + ": " + e.getMessage(), e);
        }
    }
}
