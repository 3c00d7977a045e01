package dev.vxlab.backend.qemu;

import dev.vxlab.lab.LabException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One arm64 VM: a qemu-system-aarch64 process (TCG, cortex-a57: {@code -cpu max} is about four times slower) booting
 * the node image, its serial console written to a log file, and its guest agent on a unix socket. Stopping it ends
 * that qemu process by its PID and removes the socket.
 */
final class QemuVm implements AutoCloseable {
    /**
     * Guest RAM. The initramfs unpacks to ~76 MB (30 MB of it is ICU data that dig's libxml2 needs), which does not
     * fit beside the kernel in 256 MB; 384 MB does. TCG backs only the pages the guest touches.
     */
    static final int MEMORY_MB = 384;

    /** How to start one VM. {@code network} is qemu's -netdev/-device arguments, empty for no NIC. */
    record Spec(String name, GuestImage.Built image, int memoryMb, Path consoleLog, Path agentSocket,
            List<String> launcherPrefix, List<String> network) {}

    private final Spec spec;
    private final Process process;
    private final long startedNanos;
    private GuestAgent agent;

    private QemuVm(Spec spec, Process process, long startedNanos) {
        this.spec = spec;
        this.process = process;
        this.startedNanos = startedNanos;
    }

    static QemuVm start(Spec spec) throws LabException {
        List<String> argv = new ArrayList<>(spec.launcherPrefix());
        argv.addAll(List.of(QemuTools.QEMU, "-M", "virt", "-cpu", "cortex-a57", "-m", Integer.toString(spec.memoryMb()),
                "-smp", "1", "-nodefaults", "-no-reboot", "-display", "none", "-monitor", "none",
                "-serial", "file:" + spec.consoleLog(),
                "-kernel", spec.image().kernel().toString(), "-initrd", spec.image().initrd().toString(),
                // arm64 allows 2048 bytes of kernel command line: keep it short.
                "-append", "console=ttyAMA0 panic=-1 rdinit=/init quiet vxlab.node=" + spec.name(),
                "-chardev", "socket,path=" + spec.agentSocket() + ",server=on,wait=off,id=qga0",
                "-device", "virtio-serial-device",
                "-device", "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0"));
        argv.addAll(spec.network().isEmpty() ? List.of("-nic", "none") : spec.network());
        try {
            Files.createDirectories(spec.consoleLog().getParent());
            Files.createDirectories(spec.agentSocket().getParent());
            Files.deleteIfExists(spec.agentSocket());
            Path stderr = spec.consoleLog().resolveSibling(spec.name() + ".qemu.err");
            Process process = new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(stderr.toFile()).start();
            return new QemuVm(spec, process, System.nanoTime());
        } catch (IOException e) {
            throw new LabException("cannot start qemu-system-aarch64 for node " + spec.name() + ": " + e.getMessage(),
                    e);
        }
    }

    /** Waits for the socket and the guest agent; returns the agent. */
    synchronized GuestAgent awaitAgent(Duration timeout) throws LabException {
        if (agent != null) {
            return agent;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(spec.agentSocket())) {
            if (!process.isAlive()) {
                throw new LabException("qemu for node " + spec.name() + " exited (" + process.exitValue() + "): "
                        + qemuError());
            }
            if (System.nanoTime() > deadline) {
                throw new LabException("qemu for node " + spec.name() + " made no agent socket in time");
            }
            sleep(50);
        }
        try {
            GuestAgent connected = GuestAgent.connect(spec.agentSocket());
            try {
                connected.awaitReady(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (IOException e) {
                connected.close();
                throw e;
            }
            agent = connected;
            return agent;
        } catch (IOException e) {
            throw new LabException("node " + spec.name() + " did not boot: " + e.getMessage() + " (console: "
                    + spec.consoleLog() + ")", e);
        }
    }

    String name() {
        return spec.name();
    }

    long pid() {
        return process.pid();
    }

    Path consoleLog() {
        return spec.consoleLog();
    }

    /** Seconds from starting qemu to now (call right after the agent answered: the boot time). */
    double secondsSinceStart() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private String qemuError() {
        try {
            Path err = spec.consoleLog().resolveSibling(spec.name() + ".qemu.err");
            String text = Files.readString(err).strip();
            return text.isEmpty() ? "no message" : text.lines().reduce((a, b) -> b).orElse(text);
        } catch (IOException e) {
            return "no message";
        }
    }

    /** Ends the VM: SIGTERM to this qemu's PID (it exits at once), SIGKILL if it lingers; removes the socket. */
    @Override
    public synchronized void close() {
        if (agent != null) {
            agent.close();
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(spec.agentSocket());
        } catch (IOException ignored) {
            // a private tmpfs of the sandbox: it vanishes with it
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
