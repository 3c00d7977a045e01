package dev.vxlab.detectors.source;

import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.LinkRef;
import dev.vxlab.detectors.state.NodeState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Builds a {@link NodeState} from what iproute2 prints as JSON: the portable source, for any node a
 * {@link CommandRunner} reaches. {@link #of} asks once for {@code ip -N -V} (or {@code ip -V}) and {@code uname -r};
 * then one snapshot runs these (the FDB dump only when the node has a vxlan device):
 * <pre>
 * ip -j -d -s -s link show
 * ip -j -N -4 addr show
 * ip -j -N -4 -d route show table all
 * ip -j -4 neigh show nud all
 * bridge -j fdb show                    (entries of vxlan devices kept)
 * ip -j -4 netconf show                 (ip_forward, rp_filter)
 * ip -j [-N] -4 rule show               (policy routing rules)
 * </pre>
 * {@code -N} (numbers instead of names) is dropped when the node's iproute2 does not know it; names are then mapped
 * back with iproute2's built-in tables. When a device changes between two commands the snapshot is taken again.
 */
public final class IpJsonSource implements SnapshotSource {
    private static final int ATTEMPTS = 3;
    private static final Pattern IPROUTE2_VERSION = Pattern.compile("iproute2-v?(\\d+)\\.(\\d+)");
    private static final Pattern KERNEL_VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");

    private final CommandRunner runner;
    private final NmFactsSource networkManager;
    private final boolean numeric;
    private final boolean otherhostZeroWhenAbsent;

    IpJsonSource(CommandRunner runner, NmFactsSource networkManager, boolean numeric,
                 boolean otherhostZeroWhenAbsent) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.networkManager = Objects.requireNonNull(networkManager, "networkManager");
        this.numeric = numeric;
        this.otherhostZeroWhenAbsent = otherhostZeroWhenAbsent;
    }

    /**
     * A source for the node the runner reaches. Asks the node once which iproute2 and kernel it has: whether
     * {@code ip -N} works, and whether a missing otherhost counter means zero (kernel 5.19+ counts it and iproute2
     * 6.0+ prints it, only when non-zero) or "not reported".
     *
     * @throws SnapshotException when {@code ip} cannot be run on the node
     */
    public static IpJsonSource of(CommandRunner runner, NmFactsSource networkManager) throws SnapshotException {
        CommandRunner.Output numericProbe = exec(runner, List.of("ip", "-N", "-V"));
        boolean numeric = numericProbe.exitCode() == 0;
        String iproute2 = numeric ? numericProbe.stdout() : checked(runner, List.of("ip", "-V"));
        CommandRunner.Output uname = exec(runner, List.of("uname", "-r"));
        boolean otherhostPrinted = atLeast(IPROUTE2_VERSION, iproute2, 6, 0)
                && uname.exitCode() == 0 && atLeast(KERNEL_VERSION, uname.stdout().strip(), 5, 19);
        return new IpJsonSource(runner, networkManager, numeric, otherhostPrinted);
    }

    static boolean atLeast(Pattern pattern, String text, int major, int minor) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            return false;
        }
        int maj = Integer.parseInt(m.group(1));
        return maj > major || (maj == major && Integer.parseInt(m.group(2)) >= minor);
    }

    @Override
    public NodeState snapshot() throws SnapshotException {
        InconsistentSnapshotException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                return read();
            } catch (InconsistentSnapshotException e) {
                last = e;
            }
        }
        throw new SnapshotException("the node's devices kept changing while it was read: " + last.getMessage(), last);
    }

    private NodeState read() throws SnapshotException {
        List<String> linkCmd = List.of("ip", "-j", "-d", "-s", "-s", "link", "show");
        List<Link> links = IpJsonParser.of(linkCmd).links(checked(runner, linkCmd), otherhostZeroWhenAbsent);
        Map<String, LinkRef> byName = links.stream().collect(Collectors.toMap(Link::name, Link::ref));
        Map<String, LinkRef> vxlans = links.stream().filter(l -> l.isKind("vxlan"))
                .collect(Collectors.toMap(Link::name, Link::ref));

        List<String> addrCmd = ip("-4", "addr", "show");
        List<String> routeCmd = ip("-4", "-d", "route", "show", "table", "all");
        List<String> neighCmd = List.of("ip", "-j", "-4", "neigh", "show", "nud", "all");
        List<String> fdbCmd = List.of("bridge", "-j", "fdb", "show");
        List<String> netconfCmd = List.of("ip", "-j", "-4", "netconf", "show");
        List<String> ruleCmd = ip("-4", "rule", "show");
        return new NodeState(links,
                IpJsonParser.of(addrCmd).addresses(checked(runner, addrCmd), byName),
                IpJsonParser.of(routeCmd).routes(checked(runner, routeCmd), byName),
                IpJsonParser.of(neighCmd).neighbors(checked(runner, neighCmd), byName),
                vxlans.isEmpty() ? List.of() : IpJsonParser.of(fdbCmd).fdb(checked(runner, fdbCmd), vxlans),
                IpJsonParser.of(netconfCmd).sysctls(checked(runner, netconfCmd)),
                networkManager.read(), dev.vxlab.detectors.firewall.Ruleset.NOT_INSPECTED,
                IpJsonParser.of(ruleCmd).rules(checked(runner, ruleCmd)));
    }

    /** {@code ip -j [-N] ARGS}. */
    private List<String> ip(String... args) {
        List<String> argv = new ArrayList<>(List.of("ip", "-j"));
        if (numeric) {
            argv.add("-N");
        }
        argv.addAll(List.of(args));
        return argv;
    }

    private static String checked(CommandRunner runner, List<String> argv) throws SnapshotException {
        CommandRunner.Output out = exec(runner, argv);
        if (out.exitCode() != 0) {
            String why = out.stderr().strip().lines().findFirst().orElse("");
            throw new SnapshotException("'" + String.join(" ", argv) + "' exited " + out.exitCode()
                    + (why.isEmpty() ? "" : ": " + why));
        }
        return out.stdout();
    }

    private static CommandRunner.Output exec(CommandRunner runner, List<String> argv) throws SnapshotException {
        try {
            return runner.run(argv);
        } catch (IOException e) {
            throw new SnapshotException("cannot run '" + String.join(" ", argv) + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SnapshotException("interrupted while running '" + String.join(" ", argv) + "'", e);
        }
    }

    @Override
    public String toString() {
        return "IpJsonSource[numeric=" + numeric + ", otherhostZeroWhenAbsent=" + otherhostZeroWhenAbsent + "]";
    }
}
