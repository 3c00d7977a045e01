package dev.vxlab.lab.cli;

import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.ClusterBackend;
import dev.vxlab.lab.backend.netns.NetnsBackend;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The backends the CLI knows by name (public for the commands other modules plug in). */
public final class Backends {
    private static final List<String> NAMES = List.of(NetnsBackend.NAME);

    private Backends() {}

    public static ClusterBackend byName(String name) throws LabException {
        if (NetnsBackend.NAME.equals(name)) {
            return new NetnsBackend();
        }
        throw new LabException("unknown backend '" + name + "'; available here: " + String.join(", ", NAMES));
    }

    public static String timestamp() {
        return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    }
}
