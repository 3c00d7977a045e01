package dev.vxlab.backend.qemu;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Which host programs the qemu backend needs, and the one sentence to say when one is missing. */
final class QemuTools {
    static final String QEMU = "qemu-system-aarch64";

    private QemuTools() {}

    static Optional<Path> find(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Why the backend cannot start VMs here, if it cannot. */
    static Optional<String> qemuMissing() {
        if (find(QEMU).isEmpty()) {
            return Optional.of("qemu-system-aarch64 is missing; install it with: apt-get install qemu-system-arm");
        }
        if (find("dpkg-deb").isEmpty() || find("apt-get").isEmpty()) {
            return Optional.of("the qemu backend builds its arm64 image with Debian's apt and dpkg-deb, which are "
                    + "missing here");
        }
        return Optional.empty();
    }
}
