package dev.vxlab.detectors.spi;

import java.util.List;

/**
 * The fault ids findings carry: a PUBLIC CONTRACT (reports, fix planners and scenario files match on them), so an id
 * is never renamed.
 */
public final class FaultIds {
    /** This node's VXLAN device MAC differs from the VtepMAC it advertised (the field bug). */
    public static final String VTEP_MAC_DRIFT = "vtep-mac-drift";
    /** This node's neighbor or FDB entry for a peer carries a MAC other than that peer's advertised VtepMAC. */
    public static final String STALE_PEER_VTEP_MAC = "stale-peer-vtep-mac";
    public static final String MISSING_PEER_ROUTE = "missing-peer-route";
    /** A route to a peer's subnet exists but is not {@code via <peer>.0 dev flannel.1 onlink}. */
    public static final String WRONG_PEER_ROUTE = "wrong-peer-route";
    public static final String MISSING_PEER_NEIGHBOR = "missing-peer-neighbor";
    public static final String MISSING_PEER_FDB = "missing-peer-fdb";
    /** The FDB entry for a peer's VtepMAC sends to another address than the peer's public IP. */
    public static final String WRONG_PEER_FDB_DST = "wrong-peer-fdb-dst";
    public static final String VTEP_ADDRESS_MISSING = "vtep-address-missing";
    public static final String BRIDGE_ADDRESS_MISSING = "bridge-address-missing";
    public static final String VTEP_LINK_DOWN = "vtep-link-down";
    public static final String BRIDGE_LINK_DOWN = "bridge-link-down";
    public static final String VXLAN_DEVICE_MISSING = "vxlan-device-missing";
    /** VNI, port, local address or learning of the VXLAN device differ from flannel's. */
    public static final String VXLAN_CONFIG_MISMATCH = "vxlan-config-mismatch";
    public static final String MTU_MISMATCH = "mtu-mismatch";
    public static final String BRIDGE_PORT_DETACHED = "bridge-port-detached";
    public static final String IP_FORWARD_DISABLED = "ip-forward-disabled";
    public static final String RP_FILTER_STRICT = "rp-filter-strict";
    /** A risk: NetworkManager runs and its unmanaged-devices leave flannel*, cni0 or veth* managed. */
    public static final String NM_MANAGES_CNI_DEVICES = "nm-manages-cni-devices";
    /** The node's nftables ruleset (firewalld's default zone) drops VXLAN's UDP port from the peers. */
    public static final String FIREWALL_DROPS_VXLAN = "firewall-drops-vxlan";
    /** The node's nftables ruleset drops pod traffic forwarded between flannel.1 and cni0. */
    public static final String FIREWALL_DROPS_POD_FORWARDING = "firewall-drops-pod-forwarding";
    /**
     * The doctor cannot tell whether the node's packet filter passes flannel's traffic: a rule on its way has a match
     * or statement the evaluator does not model (fib, marks, limits, iptables extensions, ...). Names the rule.
     */
    public static final String FIREWALL_UNEVALUATED = "firewall-unevaluated";
    /**
     * subnet.env says FLANNEL_IPMASQ=true but no nat postrouting rule masquerades pod traffic leaving the pod network:
     * pods reach nothing outside the cluster (their replies go to addresses the outside cannot route back to).
     */
    public static final String MASQUERADE_MISSING = "masquerade-missing";
    /** A symptom: flannel.1's rx_otherhost_dropped counter rose between two snapshots. */
    public static final String OTHERHOST_DROPS = "otherhost-drops";

    /**
     * udev's default MACAddressPolicy=persistent gave the VXLAN device its MAC (it equals the MAC udev derives for it
     * on this node) and no .link file of the node keeps flannel*'s MAC: the next device flanneld creates without a MAC
     * gets it too, after flanneld advertised the kernel's (flannel-io/flannel#1155). A risk: the drift it causes is
     * vtep-mac-drift.
     */
    public static final String UDEV_MAC_POLICY = "udev-mac-policy";

    /**
     * The node's own side of the path to a peer dies (walked through rules, tables, links, neighbors, FDB, filters)
     * where no other detector names a cause: the generic finding for causes nobody listed.
     */
    public static final String PATH_BROKEN = "path-broken";

    /** The node holds no address equal to its published public-ip (the underlay was renumbered). */
    public static final String UNDERLAY_ADDRESS_MISSING = "underlay-address-missing";
    /** The underlay device is up but has no carrier (IFF_LOWER_UP clear). */
    public static final String UNDERLAY_NO_CARRIER = "underlay-no-carrier";
    /** Some peers' public IPs have no route through an up device. */
    public static final String UNDERLAY_ROUTE_MISSING = "underlay-route-missing";
    /** The main table has no default route (flanneld finds its interface through it; the node's own Services need it). */
    public static final String DEFAULT_ROUTE_MISSING = "default-route-missing";
    /** This node's VtepMAC (advertised or on the device) is also another node's advertised VtepMAC (cloned images). */
    public static final String DUPLICATE_VTEP_MAC = "duplicate-vtep-mac";

    /** Every id above. */
    public static final List<String> ALL = List.of(VTEP_MAC_DRIFT, STALE_PEER_VTEP_MAC, MISSING_PEER_ROUTE,
            WRONG_PEER_ROUTE, MISSING_PEER_NEIGHBOR, MISSING_PEER_FDB, WRONG_PEER_FDB_DST, VTEP_ADDRESS_MISSING,
            BRIDGE_ADDRESS_MISSING, VTEP_LINK_DOWN, BRIDGE_LINK_DOWN, VXLAN_DEVICE_MISSING, VXLAN_CONFIG_MISMATCH,
            MTU_MISMATCH, BRIDGE_PORT_DETACHED, IP_FORWARD_DISABLED, RP_FILTER_STRICT, NM_MANAGES_CNI_DEVICES,
            OTHERHOST_DROPS, FIREWALL_DROPS_VXLAN, FIREWALL_DROPS_POD_FORWARDING,
            UDEV_MAC_POLICY, PATH_BROKEN, UNDERLAY_ADDRESS_MISSING, UNDERLAY_NO_CARRIER, UNDERLAY_ROUTE_MISSING,
            DEFAULT_ROUTE_MISSING, DUPLICATE_VTEP_MAC, FIREWALL_UNEVALUATED, MASQUERADE_MISSING);

    private FaultIds() {}
}
