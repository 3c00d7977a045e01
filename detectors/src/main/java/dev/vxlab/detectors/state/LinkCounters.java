package dev.vxlab.detectors.state;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * A link's packet counters (IFLA_STATS64). They change all the time, so {@link NodeState#withoutCounters()} drops them
 * before two snapshots are compared.
 *
 * @param rxOtherhostDropped frames received for another host's MAC and dropped (rx_otherhost_dropped, kernel 5.19+):
 *                           the counter that shows a stale VTEP MAC. Empty when the kernel, or the tool that read it,
 *                           does not report it: absent is "unknown", never zero.
 */
public record LinkCounters(long rxPackets, long rxBytes, long rxErrors, long rxDropped,
                           long txPackets, long txBytes, long txErrors, long txDropped,
                           OptionalLong rxOtherhostDropped) {

    public LinkCounters {
        Objects.requireNonNull(rxOtherhostDropped, "rxOtherhostDropped");
    }
}
