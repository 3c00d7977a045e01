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
 * @param forwardingOff   the devices whose own net.ipv4.conf.DEVICE.forwarding is 0 (the kernel forwards a packet
 *                        only if the device it came in on forwards; writing ip_forward sets every device's value)
 */
public record Sysctls(boolean ipForward, int rpFilterAll, int rpFilterDefault, Map<String, Integer> rpFilter,
                      java.util.Set<String> forwardingOff) {
    public static final int RP_FILTER_OFF = 0;
    public static final int RP_FILTER_STRICT = 1;
    public static final int RP_FILTER_LOOSE = 2;

    public Sysctls {
        rpFilter = Map.copyOf(Objects.requireNonNull(rpFilter, "rpFilter"));
        forwardingOff = java.util.Set.copyOf(Objects.requireNonNull(forwardingOff, "forwardingOff"));
    }

    /** Sysctls where every device forwards as ip_forward says (snapshots built in code). */
    public Sysctls(boolean ipForward, int rpFilterAll, int rpFilterDefault, Map<String, Integer> rpFilter) {
        this(ipForward, rpFilterAll, rpFilterDefault, rpFilter, java.util.Set.of());
    }

    /**
     * Whether the kernel forwards what arrives on the device: ip_forward on and the device's own forwarding not
     * turned off (a device on while ip_forward is off is taken as off: ip-forward-disabled names that).
     */
    public boolean forwardsFrom(String device) {
        return ipForward && !forwardingOff.contains(device);
    }

    /**
     * The rp_filter mode the kernel applies on packets arriving on the device: the larger of the device's value and
     * {@code all}'s (the device's value is {@code default}'s when the device is unknown).
     */
    public int effectiveRpFilter(String device) {
        return Math.max(rpFilterAll, rpFilter.getOrDefault(device, rpFilterDefault));
    }
}
