package dev.vxlab.lab.testkit;

import dev.vxlab.lab.RequireAll;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The one rule for tests that need a tool from outside the JDK (chromium, curl, tcpdump; later qemu, Docker,
 * NetworkManager, firewalld, Prometheus): without it the test is skipped on a developer's machine, but fails, naming
 * the tool and how to install it, where {@link RequireAll} is on ({@code CI=true} or {@code -Dvxlab.requireAll=true}).
 * {@code .ci/run} installs every tool a test requires this way, so CI reports no skipped test.
 *
 * <pre>
 * RequiredTool.require("curl", RequiredTool.onPath("curl"), "apt-get install curl");
 * </pre>
 */
public final class RequiredTool {
    private RequiredTool() {}

    /**
     * Returns when the tool is present; otherwise skips the test, or fails it where {@link RequireAll#on()}.
     *
     * @param tool    the tool's name, as a person would install it (the message starts with it)
     * @param present whether it is there
     * @param hint    how to get it, e.g. {@code apt-get install chromium}, or why it is unusable here
     */
    public static void require(String tool, boolean present, String hint) {
        require(tool, present, hint, RequireAll.on());
    }

    /** The same with the rule given (for the rule's own test). */
    public static void require(String tool, boolean present, String hint, boolean requireAll) {
        if (present) {
            return;
        }
        if (requireAll) {
            Assertions.fail(tool + " is required here (" + RequireAll.why() + ") but missing: " + hint);
        }
        Assumptions.abort(tool + " is missing, so this test is skipped (" + hint + "; under CI=true or -D"
                + RequireAll.PROPERTY + "=true it fails instead)");
    }

    /** Whether an executable of this name is on PATH, as execvp(3) would find it. */
    public static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
