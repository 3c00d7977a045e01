package dev.vxlab.backend.qemu;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One arm64 VM for the tests, without a network. Where qemu-system-aarch64 (or the built image) is missing the tests
 * are skipped with the reason, except under CI=true, where the backend must be there and its absence fails.
 */
final class BootedVm {
    private BootedVm() {}

    static GuestImage.Built imageOrSkip() {
        String missing = QemuTools.qemuMissing().orElse(null);
        GuestImage.Built image = null;
        if (missing == null) {
            image = new GuestImage(GuestImage.defaultCache(), s -> {}).current().orElse(null);
            if (image == null) {
                missing = "the arm64 node image is not built (the build's node-image step builds it before the tests)";
            }
        }
        if (missing != null) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI must run the qemu backend, but " + missing);
            }
            assumeTrue(false, missing);
        }
        return image;
    }

    static QemuVm boot(String name) throws Exception {
        GuestImage.Built image = imageOrSkip();
        Path logs = Path.of("target", "qemu-test").toAbsolutePath();
        QemuVm vm = QemuVm.start(new QemuVm.Spec(name, image, QemuVm.MEMORY_MB, logs.resolve(name + ".console.log"),
                Path.of("/run/vxlab-qemu-test", name + ".qga"), List.of(), List.of()));
        try {
            vm.awaitAgent(Duration.ofMinutes(3));
        } catch (Exception e) {
            vm.close();
            throw e;
        }
        return vm;
    }
}
