package dev.vxlab.detectors.spi;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One fault found on one node: which fault ({@link FaultIds}), where, the evidence (what flannel programmed versus what
 * the node has, as short human lines), one line that explains it, and the fixes that cure it, best first
 * ({@link FixIds}).
 *
 * @param fault    the fault id
 * @param node     the node's name as in the advertised view
 * @param device   the device the fault is on ("flannel.1", "cni0", "eth0", a pod's veth), or {@link #NODE_WIDE}
 * @param expected what flannel (or a sane node) has, e.g. {@code flannel.1 link/ether ea:77:37:86:ee:bf (advertised VtepMAC)}
 * @param actual   what this node has, e.g. {@code flannel.1 link/ether b6:9b:ed:b0:37:74}
 * @param summary  one line: what is wrong and what it breaks
 * @param severity how bad it is
 * @param fixes    fix ids that cure it, best first; may be empty
 */
public record Finding(String fault, String node, String device, String expected, String actual, String summary,
                      Severity severity, List<String> fixes) {
    /** The device of a finding about the node as a whole (a global sysctl, NetworkManager's configuration). */
    public static final String NODE_WIDE = "";

    /** Worst first, then by fault id and device; the evidence breaks the remaining ties so the order is total. */
    public static final Comparator<Finding> ORDER = Comparator.comparing(Finding::severity)
            .thenComparing(Finding::fault)
            .thenComparing(Finding::device)
            .thenComparing(Finding::node)
            .thenComparing(Finding::expected)
            .thenComparing(Finding::actual)
            .thenComparing(Finding::summary);

    public Finding {
        if (Objects.requireNonNull(fault, "fault").isBlank()) {
            throw new IllegalArgumentException("a finding needs a fault id");
        }
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(actual, "actual");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(severity, "severity");
        fixes = List.copyOf(fixes);
    }
}
