package dev.vxlab.detectors.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.source.CommandRunner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Network namespaces a test makes and deletes, inside the lab sandbox only (the test JVM's own network and mount
 * namespaces; refuses to run anywhere else). Commands that fail fail the test with their stderr.
 */
public final class TestNetns implements AutoCloseable {
    private final String tag = "vxst" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    private final List<String> created = new ArrayList<>();

    public TestNetns() {
        assertThat(System.getenv("VXLAB_SANDBOX")).as("kernel tests run only inside bin/vxlab-sandbox").isEqualTo("1");
    }

    /** Creates a namespace named after the test run and the role, e.g. vxst3f2a-node0. */
    public String add(String role) {
        String name = tag + "-" + role;
        SandboxGuard.require();
        run("ip", "netns", "add", name);
        created.add(name);
        return name;
    }

    /** {@code ip -n NS ARGS}. */
    public void ip(String ns, String... args) {
        List<String> argv = new ArrayList<>(List.of("ip", "-n", ns));
        argv.addAll(List.of(args));
        run(argv.toArray(String[]::new));
    }

    /** {@code bridge -n NS ARGS}. */
    public void bridge(String ns, String... args) {
        List<String> argv = new ArrayList<>(List.of("bridge", "-n", ns));
        argv.addAll(List.of(args));
        run(argv.toArray(String[]::new));
    }

    /** {@code ip netns exec NS ARGS}. */
    public void exec(String ns, String... args) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        argv.addAll(List.of(args));
        run(argv.toArray(String[]::new));
    }

    public static void run(String... argv) {
        try {
            CommandRunner.Output out = CommandRunner.local().run(List.of(argv));
            assertThat(out.exitCode()).as("%s: %s", String.join(" ", argv), out.stderr().strip()).isZero();
        } catch (IOException e) {
            throw new AssertionError(String.join(" ", argv) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        List<String> failures = new ArrayList<>();
        for (String ns : created.reversed()) {
            try {
                CommandRunner.Output out = CommandRunner.local().run(List.of("ip", "netns", "del", ns));
                if (out.exitCode() != 0) {
                    failures.add(ns + ": " + out.stderr().strip());
                }
            } catch (IOException e) {
                failures.add(ns + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add(ns + ": interrupted");
            }
        }
        created.clear();
        assertThat(failures).as("namespaces that could not be deleted").isEmpty();
    }
}
