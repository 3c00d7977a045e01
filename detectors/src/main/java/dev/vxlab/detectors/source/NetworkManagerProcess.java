package dev.vxlab.detectors.source;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Whether a NetworkManager process runs in a given network namespace: found through /proc by its name, and compared
 * by the namespace's inode. Without the capabilities NetworkManager has, /proc/PID/ns/net of its process cannot be
 * read (ptrace rules: the node agent drops them all); /proc/PID/net/dev can, and its inode is its namespace's own, so
 * for a namespace named as /proc/PID/ns/net (the agent's own) that inode is compared instead. Walking /proc costs an open and a read per process, a millisecond or more on a node with a
 * few hundred, which an agent asking every few seconds would pay all day; so a {@link #finder} remembers the process
 * it found and looks at that one only, and while none runs it walks /proc again at most once per interval.
 */
public final class NetworkManagerProcess {
    private static final byte[] COMM = "NetworkManager\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private NetworkManagerProcess() {}

    /** One walk of /proc. */
    public static boolean runsIn(Path netnsFile) {
        return new Finder(Path.of("/proc"), netnsFile, 0, System::nanoTime).getAsBoolean();
    }

    /**
     * Asks again cheaply: the process found last is checked alone while it runs; when it is gone, or none was found,
     * /proc is walked, but not more than once per {@code walkInterval} while NetworkManager runs nowhere (so a
     * NetworkManager that starts on a node where none ran is seen within that interval).
     */
    public static BooleanSupplier finder(Path netnsFile, Duration walkInterval) {
        return new Finder(Path.of("/proc"), netnsFile, walkInterval.toNanos(), System::nanoTime);
    }

    /** The remembering finder, over any /proc tree and clock (tests give a made-up one). */
    static final class Finder implements BooleanSupplier {
        private final Path proc;
        private final Path netnsFile;
        /** /proc/PID/net/dev beside a namespace named /proc/PID/ns/net, else null. */
        private final Path netDev;
        private final long walkIntervalNanos;
        private final LongSupplier clock;
        private final byte[] buffer = new byte[COMM.length + 1];
        private String pid;
        private boolean walked;
        private long nextWalk;
        int walks;

        Finder(Path proc, Path netnsFile, long walkIntervalNanos, LongSupplier clock) {
            this.proc = proc;
            this.netnsFile = netnsFile;
            Path dir = netnsFile.getParent();
            this.netDev = netnsFile.getFileName().toString().equals("net") && dir != null
                    && dir.getFileName().toString().equals("ns") && dir.getParent() != null
                    ? dir.getParent().resolve("net/dev") : null;
            this.walkIntervalNanos = walkIntervalNanos;
            this.clock = clock;
        }

        @Override
        public boolean getAsBoolean() {
            Object wanted;
            try {
                wanted = Files.getAttribute(netnsFile, "unix:ino");
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
            if (pid != null) {
                if (isNetworkManager(pid) && inNamespace(pid, wanted)) {
                    return true;
                }
                pid = null; // it ended (or moved): look for its successor at once, a restart keeps it running
            } else if (walked && clock.getAsLong() - nextWalk < 0) {
                return false;
            }
            walks++;
            walked = true;
            nextWalk = clock.getAsLong() + walkIntervalNanos;
            String[] entries = proc.toFile().list();
            if (entries != null) {
                for (String entry : entries) {
                    if (isPid(entry) && isNetworkManager(entry) && inNamespace(entry, wanted)) {
                        pid = entry;
                        return true;
                    }
                }
            }
            return false;
        }

        private static boolean isPid(String name) {
            for (int i = 0; i < name.length(); i++) {
                if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                    return false;
                }
            }
            return !name.isEmpty();
        }

        /** Reads the process's comm into one reused buffer (this is the walk's cost, once per process). */
        private boolean isNetworkManager(String process) {
            try (FileInputStream in = new FileInputStream(proc.resolve(process).resolve("comm").toFile())) {
                int n = in.readNBytes(buffer, 0, buffer.length);
                return n == COMM.length && Arrays.equals(buffer, 0, n, COMM, 0, n);
            } catch (IOException e) {
                return false; // it ended while we looked
            }
        }

        private boolean inNamespace(String process, Object inode) {
            try {
                return inode.equals(Files.getAttribute(proc.resolve(process).resolve("ns/net"), "unix:ino"));
            } catch (IOException e) {
                return netDev != null && sameNetDev(process); // not ours to read: compare what is
            } catch (RuntimeException e) {
                return false;
            }
        }

        private boolean sameNetDev(String process) {
            try {
                return Files.getAttribute(netDev, "unix:ino")
                        .equals(Files.getAttribute(proc.resolve(process).resolve("net/dev"), "unix:ino"));
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
    }
}
