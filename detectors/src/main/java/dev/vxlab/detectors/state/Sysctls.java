package dev.vxlab.detectors.state;

import java.util.Map;
import java.util.Objects;

/**
 * The IPv4 sysctls that decide whether pod traffic is forwarded and accepted (the kernel's NETCONF attributes, the
 * same values as {@code /proc/sys/net/ipv4/...}).
 *
 * @param ipForward       net.ipv4.ip_forward (= net.ipv4.conf.all.forwarding)
 * @param rpFilterAll     net.ipv4.conf.all.rp_filter: 0 off, 1 strict, 2 loose
 * @param rpFilterDefault net.ipv4.conf.default.rp_filter, what new devices start with
 * @param rpFilter        net.ipv4.conf.DEVICE.rp_filter for every device, by device name
 */
public record Sysctls(boolean ipForward, int rpFilterAll, int rpFilterDefault, Map<String, Integer> rpFilter) {
    public static final int RP_FILTER_OFF = 0;
    public static final int RP_FILTER_STRICT = 1;
    public static final int RP_FILTER_LOOSE = 2;

    public Sysctls {
        rpFilter = Map.copyOf(Objects.requireNonNull(rpFilter, "rpFilter"));
    }

    /**
     * The rp_filter mode the kernel applies on packets arriving on the device: the larger of the device's value and
     * {@code all}'s (the device's value is {@code default}'s when the device is unknown).
     */
    public int effectiveRpFilter(String device) {
        return Math.max(rpFilterAll, rpFilter.getOrDefault(device, rpFilterDefault));
    }
}
