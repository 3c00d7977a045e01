package dev.vxlab.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The /proc/PID/net baseline: what a script that reads files instead of running {@code ip} can see of a namespace,
 * parsed into records. /proc/net/route is the main table only (no local table, no route type or protocol, no
 * onlink), /proc/net/arp has neighbors without their NUD state, /proc/net/dev has counters without otherhost drops,
 * and nothing lists the FDB, MACs, MTUs, flags or the vxlan attributes: it cannot produce a NodeState.
 */
final class ProcNetReader {
    record RouteLine(String device, int destination, int gateway, int mask, int flags) {}

    record ArpLine(String ip, String mac, String device, int flags) {}

    record DevCounters(String device, long rxBytes, long rxPackets, long rxDropped, long txBytes, long txPackets) {}

    record Facts(List<RouteLine> routes, List<ArpLine> neighbors, List<DevCounters> counters, String fibTrie) {}

    private final Path route;
    private final Path arp;
    private final Path dev;
    private final Path fibTrie;

    /** Reads the files of a process that lives in the namespace. */
    ProcNetReader(long pid) {
        Path net = Path.of("/proc", Long.toString(pid), "net");
        route = net.resolve("route");
        arp = net.resolve("arp");
        dev = net.resolve("dev");
        fibTrie = net.resolve("fib_trie"); // the local table's addresses; kept as text (its tree is for people)
    }

    Facts read() throws IOException {
        List<RouteLine> routes = new ArrayList<>();
        for (String[] f : rows(route)) {
            routes.add(new RouteLine(f[0], (int) Long.parseLong(f[1], 16), (int) Long.parseLong(f[2], 16),
                    (int) Long.parseLong(f[7], 16), Integer.parseInt(f[3], 16)));
        }
        List<ArpLine> neighbors = new ArrayList<>();
        for (String[] f : rows(arp)) {
            neighbors.add(new ArpLine(f[0], f[3], f[5], Integer.decode(f[2])));
        }
        List<DevCounters> counters = new ArrayList<>();
        List<String> devLines = Files.readAllLines(dev, StandardCharsets.US_ASCII);
        for (String line : devLines.subList(2, devLines.size())) {
            int colon = line.indexOf(':');
            String[] f = line.substring(colon + 1).trim().split("\\s+");
            counters.add(new DevCounters(line.substring(0, colon).trim(), Long.parseLong(f[0]), Long.parseLong(f[1]),
                    Long.parseLong(f[3]), Long.parseLong(f[8]), Long.parseLong(f[9])));
        }
        return new Facts(routes, neighbors, counters, Files.readString(fibTrie, StandardCharsets.US_ASCII));
    }

    /** The whitespace-separated fields of every line but the header. */
    private static List<String[]> rows(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        List<String[]> out = new ArrayList<>(lines.size());
        for (int i = 1; i < lines.size(); i++) {
            out.add(lines.get(i).trim().split("\\s+"));
        }
        return out;
    }
}
