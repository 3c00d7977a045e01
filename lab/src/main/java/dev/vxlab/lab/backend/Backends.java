package dev.vxlab.lab.backend;

import dev.vxlab.lab.LabException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** The backends on the class path, found through {@link ServiceLoader}: a new backend is a jar, not an if. */
public final class Backends {
    public static final String DEFAULT = "netns";

    private Backends() {}

    public static List<ClusterBackend> all() {
        List<ClusterBackend> found = new ArrayList<>();
        ServiceLoader.load(ClusterBackend.class, Backends.class.getClassLoader()).forEach(found::add);
        return found;
    }

    public static List<String> names() {
        return all().stream().map(ClusterBackend::name).sorted().toList();
    }

    public static ClusterBackend byName(String name) throws LabException {
        return all().stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow(() -> new LabException(
                "unknown backend '" + name + "'; available here: " + String.join(", ", names())));
    }
}
