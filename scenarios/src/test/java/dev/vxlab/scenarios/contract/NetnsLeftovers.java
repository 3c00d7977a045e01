package dev.vxlab.scenarios.contract;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a netns run holds: its network namespaces (by nsfs inode, seen in its sandbox's /run/netns); after a kill none
 * may be held by any process or mount anywhere, so the kernel freed them.
 */
final class NetnsLeftovers {
    private static final Pattern NET_MOUNT = Pattern.compile("net:\\[(\\d+)\\]");

    private NetnsLeftovers() {}

    /** The namespaces in the run's sandbox: /run/netns of the sandbox's PID 1 (the first child of the launcher). */
    static Set<String> namespacesOf(ProcessHandle run) throws IOException {
        Optional<ProcessHandle> sandbox = run.children().findFirst();
        Set<String> inodes = new HashSet<>();
        if (sandbox.isEmpty()) {
            return inodes;
        }
        Path runNetns = Path.of("/proc", Long.toString(sandbox.get().pid()), "root", "run", "netns");
        try (Stream<Path> files = Files.list(runNetns)) {
            for (Path f : files.toList()) {
                inodes.add(Files.getAttribute(f, "unix:ino").toString());
            }
        }
        return inodes;
    }

    /** Those of the namespaces some process is in, or some mount anywhere refers to ("net:[INODE]"). */
    static Set<String> held(Set<String> namespaces) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    inodes.add(Files.readSymbolicLink(proc.resolve("ns/net")).toString().replaceAll("\\D", ""));
                    for (String mount : Files.readAllLines(proc.resolve("mountinfo"))) {
                        Matcher m = NET_MOUNT.matcher(mount);
                        while (m.find()) {
                            inodes.add(m.group(1));
                        }
                    }
                } catch (IOException gone) {
                    // the process ended while we looked
                }
            }
        }
        inodes.retainAll(namespaces);
        return inodes;
    }
}
