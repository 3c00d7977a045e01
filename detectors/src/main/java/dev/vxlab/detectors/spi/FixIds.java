package dev.vxlab.detectors.spi;

import java.util.List;

/**
 * The fix ids findings name (best first in {@link Finding#fixes()}): a PUBLIC CONTRACT shared with the fix planners,
 * which turn an id plus the finding into node-local commands.
 */
public final class FixIds {
    /** Restart flanneld: it re-reads the device, re-publishes its VtepMAC and re-programs every peer entry. */
    public static final String FLANNEL_RESYNC = "flannel-resync";
    /** Give the VXLAN device back the MAC the cluster was told. */
    public static final String RESTORE_VTEP_MAC = "restore-vtep-mac";
    /** Re-program flannel's per-peer entries (route, neighbor, FDB) from the advertised view. */
    public static final String RESTORE_ROUTES = "restore-routes";
    public static final String RESTORE_ADDRESS = "restore-address";
    public static final String LINK_UP = "link-up";
    public static final String RESTORE_MTU = "restore-mtu";
    public static final String REATTACH_BRIDGE_PORT = "reattach-bridge-port";
    public static final String RESTORE_SYSCTL = "restore-sysctl";
    /** The field report's permanent fix: a NetworkManager drop-in leaving flannel*, cni0 and veth* unmanaged. */
    public static final String NM_UNMANAGED_DEVICES = "nm-unmanaged-devices";

    /** firewalld's permanent rules for VXLAN's port and the pod network (trusted zone), then a reload. */
    public static final String FIREWALL_ALLOW_FLANNEL = "firewall-allow-flannel";

    /** A .link file keeping flannel*'s MAC from udev's MACAddressPolicy (/etc/systemd/network/10-flannel.link). */
    public static final String UDEV_LINK_MAC_NONE = "udev-link-mac-none";

    /** Put the published public-ip back on the underlay device (a renumbering flannel never saw). */
    public static final String RESTORE_UNDERLAY_ADDRESS = "restore-underlay-address";
    /** Add the default route the node had in its previous snapshot. */
    public static final String RESTORE_DEFAULT_ROUTE = "restore-default-route";
    /** Give a cloned node's VXLAN device a MAC of its own, then restart flanneld so it publishes it. */
    public static final String REGENERATE_VTEP_MAC = "regenerate-vtep-mac";

    /** nft accept rules for VXLAN's port and the pod network, inserted at the top of each base chain that drops them. */
    public static final String NFT_ACCEPT_FLANNEL = "nft-accept-flannel";

    public static final List<String> ALL = List.of(FLANNEL_RESYNC, RESTORE_VTEP_MAC, RESTORE_ROUTES, RESTORE_ADDRESS,
            LINK_UP, RESTORE_MTU, REATTACH_BRIDGE_PORT, RESTORE_SYSCTL, NM_UNMANAGED_DEVICES,
            FIREWALL_ALLOW_FLANNEL, UDEV_LINK_MAC_NONE, RESTORE_UNDERLAY_ADDRESS, RESTORE_DEFAULT_ROUTE,
            REGENERATE_VTEP_MAC, NFT_ACCEPT_FLANNEL);

    private FixIds() {}
}
