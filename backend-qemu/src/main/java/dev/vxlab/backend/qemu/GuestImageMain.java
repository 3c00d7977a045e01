package dev.vxlab.backend.qemu;

import dev.vxlab.lab.LabException;

/**
 * Builds (or finds in the cache) the arm64 node image from the command line. The build runs it before the tests,
 * which run inside the sandbox where there is no network; {@code --if-qemu-present} makes it a no-op, with one line
 * saying so, on machines without qemu-system-aarch64.
 */
public final class GuestImageMain {
    private GuestImageMain() {}

    public static void main(String[] args) {
        boolean optional = args.length > 0 && args[0].equals("--if-qemu-present");
        if (optional && QemuTools.qemuMissing().isPresent()) {
            System.err.println("qemu image: not built: " + QemuTools.qemuMissing().get());
            return;
        }
        try {
            GuestImage.Built built = new GuestImage(GuestImage.defaultCache(), System.err::println).ensure();
            System.err.println("qemu image: " + built.directory() + " (kernel " + built.kernelVersion() + ")");
        } catch (LabException e) {
            System.err.println("qemu image: " + e.getMessage());
            System.exit(optional ? 0 : 2);
        }
    }
}
