package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.spi.FixIds;
import static dev.vxlab.detectors.spi.FixIds.FLANNEL_RESYNC;
import static dev.vxlab.detectors.spi.FixIds.LINK_UP;
import static dev.vxlab.detectors.spi.FixIds.NM_UNMANAGED_DEVICES;
import static dev.vxlab.detectors.spi.FixIds.REATTACH_BRIDGE_PORT;
import static dev.vxlab.detectors.spi.FixIds.RESTORE_ADDRESS;
import static dev.vxlab.detectors.spi.FixIds.RESTORE_MTU;
import static dev.vxlab.detectors.spi.FixIds.RESTORE_ROUTES;
import static dev.vxlab.detectors.spi.FixIds.RESTORE_SYSCTL;
import static dev.vxlab.detectors.spi.FixIds.RESTORE_VTEP_MAC;
import static dev.vxlab.detectors.spi.Severity.CRITICAL;
import static dev.vxlab.detectors.spi.Severity.RISK;
import static dev.vxlab.detectors.spi.Severity.WARNING;

import dev.vxlab.detectors.spi.FaultIds;
import dev.vxlab.detectors.spi.Severity;
import java.util.List;

/**
 * Every fault the built-in detectors name, with its usual severity and its fixes, best first. flannel-resync comes
 * first wherever restarting flanneld cures the fault, because it also re-publishes and re-programs what a narrower fix
 * would leave stale.
 */
final class Catalog {
    static final FaultKind VTEP_MAC_DRIFT = kind(FaultIds.VTEP_MAC_DRIFT, CRITICAL, FLANNEL_RESYNC, RESTORE_VTEP_MAC);
    static final FaultKind STALE_PEER_VTEP_MAC = kind(FaultIds.STALE_PEER_VTEP_MAC, CRITICAL, FLANNEL_RESYNC,
            RESTORE_ROUTES);
    static final FaultKind MISSING_PEER_ROUTE = kind(FaultIds.MISSING_PEER_ROUTE, CRITICAL, FLANNEL_RESYNC,
            RESTORE_ROUTES);
    static final FaultKind WRONG_PEER_ROUTE = kind(FaultIds.WRONG_PEER_ROUTE, CRITICAL, FLANNEL_RESYNC, RESTORE_ROUTES);
    static final FaultKind MISSING_PEER_NEIGHBOR = kind(FaultIds.MISSING_PEER_NEIGHBOR, CRITICAL, FLANNEL_RESYNC,
            RESTORE_ROUTES);
    static final FaultKind MISSING_PEER_FDB = kind(FaultIds.MISSING_PEER_FDB, CRITICAL, FLANNEL_RESYNC, RESTORE_ROUTES);
    static final FaultKind WRONG_PEER_FDB_DST = kind(FaultIds.WRONG_PEER_FDB_DST, CRITICAL, FLANNEL_RESYNC,
            RESTORE_ROUTES);
    /** flanneld puts the address back and re-programs the routes the kernel dropped with it. */
    static final FaultKind VTEP_ADDRESS_MISSING = kind(FaultIds.VTEP_ADDRESS_MISSING, CRITICAL, FLANNEL_RESYNC,
            RESTORE_ADDRESS);
    static final FaultKind BRIDGE_ADDRESS_MISSING = kind(FaultIds.BRIDGE_ADDRESS_MISSING, CRITICAL, RESTORE_ADDRESS);
    /** flanneld sets the device up and re-programs the routes the kernel dropped; link-up alone leaves them gone. */
    static final FaultKind VTEP_LINK_DOWN = kind(FaultIds.VTEP_LINK_DOWN, CRITICAL, FLANNEL_RESYNC, LINK_UP);
    static final FaultKind BRIDGE_LINK_DOWN = kind(FaultIds.BRIDGE_LINK_DOWN, CRITICAL, LINK_UP);
    static final FaultKind VXLAN_DEVICE_MISSING = kind(FaultIds.VXLAN_DEVICE_MISSING, CRITICAL, FLANNEL_RESYNC);
    /** flanneld replaces a device whose settings are incompatible with its own. */
    static final FaultKind VXLAN_CONFIG_MISMATCH = kind(FaultIds.VXLAN_CONFIG_MISMATCH, CRITICAL, FLANNEL_RESYNC);
    static final FaultKind MTU_MISMATCH = kind(FaultIds.MTU_MISMATCH, WARNING, RESTORE_MTU);
    static final FaultKind BRIDGE_PORT_DETACHED = kind(FaultIds.BRIDGE_PORT_DETACHED, CRITICAL, REATTACH_BRIDGE_PORT);
    static final FaultKind IP_FORWARD_DISABLED = kind(FaultIds.IP_FORWARD_DISABLED, CRITICAL, RESTORE_SYSCTL);
    /** flannel's own paths are symmetric and pass a strict check; asymmetric ones (node ports, multi-homing) do not. */
    static final FaultKind RP_FILTER_STRICT = kind(FaultIds.RP_FILTER_STRICT, RISK, RESTORE_SYSCTL);
    static final FaultKind NM_MANAGES_CNI_DEVICES = kind(FaultIds.NM_MANAGES_CNI_DEVICES, RISK, NM_UNMANAGED_DEVICES);
    static final FaultKind OTHERHOST_DROPS = kind(FaultIds.OTHERHOST_DROPS, WARNING, FLANNEL_RESYNC);

    static final FaultKind FIREWALL_DROPS_VXLAN = kind(FaultIds.FIREWALL_DROPS_VXLAN, CRITICAL,
            FixIds.FIREWALL_ALLOW_FLANNEL);
    static final FaultKind FIREWALL_DROPS_POD_FORWARDING = kind(FaultIds.FIREWALL_DROPS_POD_FORWARDING, CRITICAL,
            FixIds.FIREWALL_ALLOW_FLANNEL);
    static final FaultKind UDEV_MAC_POLICY = kind(FaultIds.UDEV_MAC_POLICY, RISK, FixIds.UDEV_LINK_MAC_NONE);
    /** No fix: the walk names where the path dies, not what put it there. */
    static final FaultKind PATH_BROKEN = kind(FaultIds.PATH_BROKEN, CRITICAL);

    /** Restoring the published address works without touching the cluster; flanneld re-publishing the new one too. */
    static final FaultKind UNDERLAY_ADDRESS_MISSING = kind(FaultIds.UNDERLAY_ADDRESS_MISSING, CRITICAL,
            FixIds.RESTORE_UNDERLAY_ADDRESS, FLANNEL_RESYNC);
    /** A cable, a switch port or the far end of a veth: nothing on the node cures it, so no fix. */
    static final FaultKind UNDERLAY_NO_CARRIER = kind(FaultIds.UNDERLAY_NO_CARRIER, CRITICAL);
    static final FaultKind UNDERLAY_ROUTE_MISSING = kind(FaultIds.UNDERLAY_ROUTE_MISSING, CRITICAL);
    /** A warning: peers on the underlay's own subnet still work, the next flanneld start and the node's Services not. */
    static final FaultKind DEFAULT_ROUTE_MISSING = kind(FaultIds.DEFAULT_ROUTE_MISSING, WARNING,
            FixIds.RESTORE_DEFAULT_ROUTE);
    static final FaultKind DUPLICATE_VTEP_MAC = kind(FaultIds.DUPLICATE_VTEP_MAC, CRITICAL,
            FixIds.REGENERATE_VTEP_MAC);

    /** Whatever the rule does, flannel's accept rules put before it decide (outside firewalld's own table). */
    static final FaultKind FIREWALL_UNEVALUATED = kind(FaultIds.FIREWALL_UNEVALUATED, WARNING,
            FixIds.NFT_ACCEPT_FLANNEL);

    /** flanneld (--ip-masq) writes its masquerade rules again when it starts. */
    static final FaultKind MASQUERADE_MISSING = kind(FaultIds.MASQUERADE_MISSING, WARNING, FLANNEL_RESYNC);

    private Catalog() {}

    private static FaultKind kind(String id, Severity severity, String... fixes) {
        return new FaultKind(id, severity, List.of(fixes));
    }
}
