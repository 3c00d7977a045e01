package dev.vxlab.lab.backend;

import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.lab.LabException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Every node's dataplane as its own tools print it, through its remote: the generic "collect logs" of a backend. */
public final class NodeLogs {
    private static final List<List<String>> COMMANDS = List.of(
            List.of("ip", "-d", "link", "show"),
            List.of("ip", "addr", "show"),
            List.of("ip", "route", "show", "table", "all"),
            List.of("ip", "neigh", "show"),
            List.of("bridge", "fdb", "show"),
            List.of("ip", "rule", "show"));

    private NodeLogs() {}

    public static List<Path> collect(Cluster cluster, Path directory) throws LabException {
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(directory);
            for (ClusterNode node : cluster.nodes()) {
                StringBuilder text = new StringBuilder();
                for (List<String> command : COMMANDS) {
                    CommandResult result = node.remote().run(command);
                    text.append("$ ").append(result.commandLine()).append('\n').append(result.stdout());
                    if (!result.ok()) {
                        text.append("(exit ").append(result.exitCode()).append(") ").append(result.stderr());
                    }
                    text.append('\n');
                }
                Path file = directory.resolve(node.name() + ".txt");
                Files.writeString(file, text);
                written.add(file);
            }
        } catch (IOException e) {
            throw new LabException("cannot write the nodes' logs to " + directory + ": " + e.getMessage(), e);
        }
        return written;
    }
}
