package dev.vxlab.lab.capture;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Finding tcpdump, and turning what it (or the sh or ip netns exec before it) printed on failure into one sentence. */
final class TcpdumpProgram {
    static final String DEFAULT = "tcpdump";
    static final String MISSING = "tcpdump is not installed; install it with apt-get install tcpdump";
    static final String NO_CAPTURE_MODE = "rootless-nocapture";
    static final String NO_CAPTURE_REASON = "packet capture is off because this sandbox runs rootless without"
            + " newuidmap/newgidmap and subordinate ids, so tcpdump cannot start (run as root, or install uidmap and"
            + " give the user /etc/subuid and /etc/subgid entries)";

    // What `ip netns exec` prints when execvp(3) cannot find the program, and what sh's exec prints (dash, bash).
    private static final Pattern EXEC_FAILED = Pattern.compile("exec of \".*\" failed: No such file or directory"
            + "|exec: .*: not found|exec: .*: No such file or directory");

    private TcpdumpProgram() {}

    /** Capture needs both a sandbox that allows it and the program itself. */
    static CaptureAvailability availability(Map<String, String> env, String program) {
        if (sandboxForbidsCapture(env)) {
            return new CaptureAvailability.Unavailable(NO_CAPTURE_REASON);
        }
        if (!isInstalled(program, env.getOrDefault("PATH", ""))) {
            return new CaptureAvailability.Unavailable(MISSING);
        }
        return new CaptureAvailability.Available();
    }

    /**
     * The rootless sandbox without subordinate ids cannot run tcpdump on any node of this machine. Whether tcpdump is
     * installed is the node's business: a start there that cannot find it says so.
     */
    static boolean sandboxForbidsCapture(Map<String, String> env) {
        return NO_CAPTURE_MODE.equals(env.get("VXLAB_SANDBOX_MODE"));
    }

    /** A name with a slash is a path; a bare name is looked up on PATH, the way execvp(3) will. */
    static boolean isInstalled(String program, String path) {
        if (program.contains("/")) {
            return Files.isExecutable(Path.of(program));
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    static boolean saysProgramMissing(List<String> stderr) {
        return stderr.stream().anyMatch(line -> EXEC_FAILED.matcher(line).find());
    }

    /** The line that explains a failure: tcpdump's own complaint if there is one, else the first line printed. */
    static String explanation(List<String> stderr) {
        return stderr.stream().map(String::strip).filter(line -> line.startsWith("tcpdump:")).findFirst()
                .or(() -> stderr.stream().map(String::strip).filter(line -> !line.isEmpty()).findFirst())
                .orElse("it printed nothing");
    }
}
