package dev.vxlab.detectors.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Whether a NetworkManager process runs in a given network namespace (found through /proc, compared by inode). */
public final class NetworkManagerProcess {
    private NetworkManagerProcess() {}

    public static boolean runsIn(Path netnsFile) {
        Object wanted;
        try {
            wanted = Files.getAttribute(netnsFile, "unix:ino");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .anyMatch(p -> isNetworkManager(p) && inNamespace(p, wanted));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isNetworkManager(Path proc) {
        try {
            return Files.readString(proc.resolve("comm")).strip().equals("NetworkManager");
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean inNamespace(Path proc, Object inode) {
        try {
            return inode.equals(Files.getAttribute(proc.resolve("ns/net"), "unix:ino"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
