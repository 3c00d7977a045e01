package dev.vxlab.nodedoctor;

import java.nio.file.Path;
import java.util.Set;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The real-node doctor's options, shared as a picocli mixin by {@code vxlab doctor} and the standalone
 * {@link Main}, so both take exactly the same flags.
 */
public final class NodeOptions {

    public static final class Where {
        @Option(names = "--host", description = "Examine this machine's own network namespace (read-only unless --apply).")
        public boolean host;

        @Option(names = "--netns", paramLabel = "NAME", description = "Examine the named network namespace (/run/netns/NAME).")
        public String netns;
    }

    @ArgGroup(exclusive = true)
    public Where where;

    @Option(names = "--node-name", paramLabel = "NAME", description = "This node's name in the NodeList.")
    public String nodeName;

    @Option(names = "--nodes", paramLabel = "NODES.json", description = "`kubectl get nodes -o json` output.")
    public Path nodesFile;

    @Option(names = "--subnet-env", paramLabel = "FILE", description = "The node's flannel subnet.env "
            + "(default: /run/flannel/subnet.env when it exists).")
    public Path subnetEnv;

    @Option(names = "--nm-config", paramLabel = "DIR", defaultValue = NodeDoctor.DEFAULT_NM_CONFIG,
            description = "NetworkManager's configuration directory, read for unmanaged-devices and where the "
                    + "nm-unmanaged-devices fix writes its drop-in (default: ${DEFAULT-VALUE}).")
    public Path nmConfig;

    @Option(names = "--json", description = "Print the diagnosis as JSON.")
    public boolean json;

    @Option(names = "--fix", description = "Print the fix plan (a dry run unless --apply).")
    public boolean fix;

    @Option(names = "--skip-fix", paramLabel = "FIX", split = ",", description = "With --fix on a real node: never "
            + "choose this fix (e.g. flannel-resync where kubectl cannot run); findings take their next fix.")
    public Set<String> skipFixes = Set.of();

    @Option(names = "--apply", description = "With --fix: apply the plan, then prove it with traffic.")
    public boolean apply;

    @Option(names = "--watch", description = "On a real node: examine again on every netlink change (and every "
            + "--interval-ms for counters) and print each finding that appears or clears.")
    public boolean watch;

    @Option(names = "--npd", description = "Run as a node-problem-detector custom plugin: one short line on stdout "
            + "and NPD's exit codes (0 OK, 1 NonOK: a finding, 2 Unknown: the doctor could not look). "
            + "See docs/npd.md.")
    public boolean npd;

    @Option(names = "--interval-ms", defaultValue = "1000", description = "--watch: how often counters (otherhost "
            + "drops) are read again (default: ${DEFAULT-VALUE}).")
    public long intervalMillis;

    /** Whether any real-node option was given (else {@code vxlab doctor} examines a lab). */
    public boolean aimsAtANode() {
        return where != null || nodesFile != null || nodeName != null || npd;
    }
}
