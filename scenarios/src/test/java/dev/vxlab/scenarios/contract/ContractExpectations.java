package dev.vxlab.scenarios.contract;

import java.util.Map;
import java.util.Set;

/** What the doctor must name on the faulty node for each lab fault with its default parameters. */
final class ContractExpectations {
    private static final Map<String, String> FINDING = Map.ofEntries(
            Map.entry("vtep-mac-drift", "vtep-mac-drift"),
            Map.entry("routes-flushed", "missing-peer-route"),
            Map.entry("vtep-address-removed", "vtep-address-missing"),
            Map.entry("bridge-address-removed", "bridge-address-missing"),
            Map.entry("link-down", "vtep-link-down"),
            Map.entry("mtu-reset", "mtu-mismatch"),
            Map.entry("bridge-port-detached", "bridge-port-detached"),
            Map.entry("neighbors-flushed", "missing-peer-neighbor"),
            Map.entry("fdb-flushed", "missing-peer-fdb"),
            Map.entry("ip-forward-off", "ip-forward-disabled"),
            Map.entry("rp-filter-strict", "rp-filter-strict"),
            Map.entry("vxlan-device-recreated", "vxlan-config-mismatch"),
            Map.entry("vxlan-device-deleted", "vxlan-device-missing"),
            Map.entry("peer-route-wrong", "wrong-peer-route"),
            Map.entry("fdb-wrong-dst", "wrong-peer-fdb-dst"),
            Map.entry("peer-mac-stale", "stale-peer-vtep-mac"));
    /** Faults that leave every matrix path working: a detour, or a risk that traffic does not trip yet. */
    private static final Set<String> HARMLESS_TO_THE_MATRIX = Set.of("peer-route-wrong", "rp-filter-strict");

    private ContractExpectations() {}

    static String findingOnFaultyNode(String faultId) {
        String finding = FINDING.get(faultId);
        if (finding == null) {
            throw new IllegalStateException("the contract has no expectation for the new fault " + faultId
                    + "; add it to ContractExpectations");
        }
        return finding;
    }

    static boolean breaksNothing(String faultId) {
        return HARMLESS_TO_THE_MATRIX.contains(faultId);
    }
}
