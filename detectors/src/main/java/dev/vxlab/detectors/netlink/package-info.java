/**
 * The fast snapshot source: NETLINK_ROUTE through the Foreign Function &amp; Memory API, no JNI.
 *
 * <ul>
 *   <li>{@link dev.vxlab.detectors.netlink.NetlinkSource}: a {@link dev.vxlab.detectors.source.SnapshotSource} that
 *       dumps links (with IFLA_STATS64), IPv4 addresses, IPv4 routes of every table, IPv4 neighbors, the FDB of
 *       each vxlan device and IPv4 netconf over one socket bound to a network namespace, and builds the same
 *       {@link dev.vxlab.detectors.state.NodeState} as {@link dev.vxlab.detectors.source.IpJsonSource}.</li>
 *   <li>{@link dev.vxlab.detectors.netlink.NetlinkSubscription}: rtnetlink notifications as
 *       {@link dev.vxlab.detectors.netlink.ChangeEvent}s, so a watcher snapshots again only after a change (or an
 *       overrun).</li>
 * </ul>
 *
 * <p>Inside: {@code NetlinkSocket} (socket, setsockopt, bind, send, recv, recvmmsg, poll as downcalls with errno
 * captured into memory allocated once), {@code DumpRequest} (what to ask), {@code Dumper} (dumps, one or several per
 * request, each read to its NLMSG_DONE, several datagrams per receive, into reused buffers: sequence numbers,
 * NLMSG_ERROR and extended acks, EBUSY, NLM_F_DUMP_INTR, ENOBUFS and truncation),
 * {@code Attributes} (an allocation-free attribute table per message), one parser per kind of answer, and
 * {@code LinkTable} (indexes to names). Parsers read straight from the buffer with unaligned layouts; the only
 * allocations are the records themselves, and only for what changed: each parser keeps the last dump's records in a
 * {@code RecordCache}, found again by a {@code MessageKey} (the bytes the record is built from), so a snapshot of an
 * unchanged namespace builds nothing.
 */
package dev.vxlab.detectors.netlink;
