package dev.vxlab.detectors.fix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.spi.FixIds;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Plans come in the order the fixes' ranks say: the order the planner always used for the built-in fixes. */
class FixPlannerOrderTest {

    @Test
    void builtInFixesRankInTheSafeOrder() {
        List<String> byRank = FixPlanner.load().fixes().values().stream()
                .sorted(Comparator.comparingInt(Fix::rank)).map(Fix::id).toList();
        assertThat(byRank).containsExactly(FixIds.NM_UNMANAGED_DEVICES, FixIds.FIREWALL_ALLOW_FLANNEL,
                FixIds.NFT_ACCEPT_FLANNEL, FixIds.UDEV_LINK_MAC_NONE, FixIds.RESTORE_SYSCTL,
                FixIds.REATTACH_BRIDGE_PORT, FixIds.LINK_UP, FixIds.RESTORE_MTU, FixIds.RESTORE_UNDERLAY_ADDRESS,
                FixIds.RESTORE_ADDRESS, FixIds.RESTORE_VTEP_MAC, FixIds.REGENERATE_VTEP_MAC, FixIds.RESTORE_DEFAULT_ROUTE,
                FixIds.RESTORE_ROUTES, FixIds.FLANNEL_RESYNC);
        assertThat(FixPlanner.load().fixes().values()).as("no two built-in fixes share a rank")
                .extracting(Fix::rank).doesNotHaveDuplicates();
    }
}
