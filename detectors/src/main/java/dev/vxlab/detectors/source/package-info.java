/**
 * Where node snapshots come from: {@link dev.vxlab.detectors.source.SnapshotSource} and its iproute2 implementation
 * {@link dev.vxlab.detectors.source.IpJsonSource}, which runs {@code ip -j}/{@code bridge -j} through a caller's
 * {@link dev.vxlab.detectors.source.CommandRunner}; plus NetworkManager's configuration
 * ({@link dev.vxlab.detectors.source.NetworkManagerConfig}).
 *
 * <h2>What every source must produce (so two sources give EQUAL snapshots)</h2>
 * <ul>
 *   <li>Links: every link of the namespace (RTM_GETLINK dump). {@code flags} is ifi_flags as the kernel reports it
 *       (iproute2 hides IFF_RUNNING behind "NO-CARRIER"; IpJsonSource rebuilds it as UP and not NO-CARRIER).
 *       {@code mac} only for a 6-byte IFLA_ADDRESS. {@code kind} is IFLA_INFO_KIND, empty when absent (lo, NICs).
 *       A device index that is not a link of this namespace (a vxlan underlay elsewhere) is named "ifN".</li>
 *   <li>Counters from IFLA_STATS64; {@code rxOtherhostDropped} empty when the attribute is shorter than 200 bytes
 *       (kernel before 5.19). IpJsonSource cannot see zero (iproute2 prints it only when non-zero) and reports 0 only
 *       when kernel 5.19+ and iproute2 6.0+ make absence mean zero.</li>
 *   <li>Addresses: AF_INET only, IFA_LOCAL (else IFA_ADDRESS) with ifa_prefixlen and ifa_scope.</li>
 *   <li>Routes: AF_INET, every table; table from RTA_TABLE; {@code flags} is the low byte of rtm_flags (RTNH_F_*);
 *       metric 0 without RTA_PRIORITY; multipath routes get neither dev nor gateway; cloned routes are not dumped.</li>
 *   <li>Neighbors: AF_INET, every state (iproute2 needs {@code nud all} to show NOARP and NONE entries).</li>
 *   <li>FDB: AF_BRIDGE entries whose device is a link of kind vxlan, and only those; dst only when IPv4.
 *       {@code state} is the one NUD_* bit bridge(8) names: PERMANENT if set, else NOARP, else STALE, else REACHABLE,
 *       else ndm_state as it is. {@code bridge fdb append ... permanent} stores NOARP|PERMANENT and {@code static}
 *       NOARP|REACHABLE, while flannel's netlink calls store PERMANENT alone; bridge(8) prints all of them as one
 *       word, so that word is what every source keeps (vxlan ages neither permanent nor noarp entries: nothing a
 *       detector needs is lost).</li>
 *   <li>Sysctls: RTM_GETNETCONF for AF_INET ({@code ip netconf}): forwarding of "all", rp_filter of all, default
 *       and every device by name, and the devices whose own forwarding is 0.</li>
 *   <li>Rules: RTM_GETRULE for AF_INET ({@code ip -4 rule}), in the kernel's order (priority, then the order they
 *       were added). {@code table} only for "lookup" rules (0 otherwise), from FRA_TABLE; src/dst empty for "all";
 *       {@code fwmask} 0xffffffff when a mark came without a mask; {@code suppressPrefixlen} -1 when absent;
 *       {@code otherSelectors} when any of ipproto, sport, dport, uid range, l3mdev, tun_id, realms or
 *       suppress_ifgroup is set (the kernel dumps each only when set).</li>
 * </ul>
 * A source that sees devices change between its dumps takes the snapshot again instead of returning a torn one.
 */
package dev.vxlab.detectors.source;
