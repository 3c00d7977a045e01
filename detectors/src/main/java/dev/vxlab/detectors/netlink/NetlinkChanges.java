package dev.vxlab.detectors.netlink;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.netns.Libc;
import dev.vxlab.detectors.source.SnapshotException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * Changes a network namespace's kernel state with rtnetlink requests of its own, the way {@code ip} would, each
 * acknowledged before the call returns: so when a call returns, the change is made and its notifications are queued
 * for every listener. A benchmark uses it to start its clock at the moment the kernel is asked, not when an
 * {@code ip} process gets round to reading a line. Not thread-safe.
 */
public final class NetlinkChanges implements AutoCloseable {
    private static final int F_ACK = 0x4;
    private static final int F_REPLACE = 0x100;
    private static final int F_EXCL = 0x200;
    private static final int F_CREATE = 0x400;
    private static final int IFLA_ADDRESS = 1;
    private static final int RTA_DST = 1;
    private static final int RTA_OIF = 4;
    private static final int RTA_GATEWAY = 5;
    private static final int NDA_DST = 1;
    private static final int NDA_LLADDR = 2;
    private static final int RT_TABLE_MAIN = 254;
    private static final int RTPROT_BOOT = 3;
    private static final int RT_SCOPE_UNIVERSE = 0;
    private static final int RT_SCOPE_NOWHERE = 255;
    private static final int RTN_UNICAST = 1;
    private static final int RTNH_F_ONLINK = 4;
    private static final int NUD_PERMANENT = 0x80;

    private final Arena arena;
    private final NetlinkSocket socket;
    private final String where;
    private final MemorySegment request;
    private final MemorySegment answer;
    private int seq;
    private int length;

    private NetlinkChanges(Arena arena, NetlinkSocket socket, String where) {
        this.arena = arena;
        this.socket = socket;
        this.where = where;
        this.request = arena.allocate(256, 8);
        this.answer = arena.allocate(8192, 8);
    }

    /** A socket for changes in the namespace behind the file (/run/netns/NAME, /proc/PID/ns/net). */
    public static NetlinkChanges open(Path namespaceFile) throws SnapshotException {
        Arena arena = Arena.ofShared();
        try {
            NetlinkSocket socket = NetlinkSocket.openIn(namespaceFile, arena);
            try {
                socket.setReceiveTimeout(Dumper.RECEIVE_TIMEOUT_SECONDS);
            } catch (SyscallFailure e) {
                socket.close();
                throw new SnapshotException("cannot set up a netlink socket in " + namespaceFile + ": "
                        + e.getMessage(), e);
            }
            return new NetlinkChanges(arena, socket, "network namespace " + namespaceFile);
        } catch (SnapshotException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** {@code ip link set dev DEV address MAC}. */
    public void setLinkAddress(int ifindex, MacAddress mac) throws SnapshotException {
        begin(Rtm.NEWLINK, 0, 16);
        request.set(Wire.U32, Nlmsg.HDRLEN + 4, ifindex); // ifinfomsg.ifi_index
        putMac(attribute(IFLA_ADDRESS, 6), mac);
        commit("set the address of link " + ifindex + " to " + mac);
    }

    /** {@code ip route del PREFIX dev DEV} in the main table. */
    public void deleteRoute(Ipv4Prefix destination, int oif) throws SnapshotException {
        begin(Rtm.DELROUTE, 0, 12);
        routeHeader(destination, RT_SCOPE_NOWHERE, 0, 0, 0);
        routeAttributes(destination, null, oif);
        commit("delete the route to " + destination);
    }

    /** {@code ip route add PREFIX via GATEWAY dev DEV onlink} in the main table. */
    public void addOnlinkRoute(Ipv4Prefix destination, Ipv4 gateway, int oif) throws SnapshotException {
        begin(Rtm.NEWROUTE, F_CREATE | F_EXCL, 12);
        routeHeader(destination, RT_SCOPE_UNIVERSE, RTPROT_BOOT, RTN_UNICAST, RTNH_F_ONLINK);
        routeAttributes(destination, gateway, oif);
        commit("add the route to " + destination + " via " + gateway);
    }

    /** {@code ip neigh replace IP lladdr MAC dev DEV nud permanent}. */
    public void replacePermanentNeighbor(Ipv4 ip, MacAddress mac, int ifindex) throws SnapshotException {
        begin(Rtm.NEWNEIGH, F_CREATE | F_REPLACE, 12);
        request.set(ValueLayout.JAVA_BYTE, Nlmsg.HDRLEN, (byte) Nlmsg.AF_INET); // ndmsg
        request.set(Wire.U32, Nlmsg.HDRLEN + 4, ifindex);
        request.set(Wire.U16, Nlmsg.HDRLEN + 8, (short) NUD_PERMANENT);
        request.set(Wire.BE32, attribute(NDA_DST, 4), ip.bits());
        putMac(attribute(NDA_LLADDR, 6), mac);
        commit("replace the neighbor " + ip);
    }

    private void routeHeader(Ipv4Prefix destination, int scope, int protocol, int type, int flags) {
        long rtmsg = Nlmsg.HDRLEN;
        request.set(ValueLayout.JAVA_BYTE, rtmsg, (byte) Nlmsg.AF_INET);
        request.set(ValueLayout.JAVA_BYTE, rtmsg + 1, (byte) destination.length());
        request.set(ValueLayout.JAVA_BYTE, rtmsg + 4, (byte) RT_TABLE_MAIN);
        request.set(ValueLayout.JAVA_BYTE, rtmsg + 5, (byte) protocol);
        request.set(ValueLayout.JAVA_BYTE, rtmsg + 6, (byte) scope);
        request.set(ValueLayout.JAVA_BYTE, rtmsg + 7, (byte) type);
        request.set(Wire.U32, rtmsg + 8, flags);
    }

    private void routeAttributes(Ipv4Prefix destination, Ipv4 gateway, int oif) {
        request.set(Wire.BE32, attribute(RTA_DST, 4), destination.network().bits());
        if (gateway != null) {
            request.set(Wire.BE32, attribute(RTA_GATEWAY, 4), gateway.bits());
        }
        request.set(Wire.U32, attribute(RTA_OIF, 4), oif);
    }

    private void begin(int type, int flags, int headerSize) {
        length = Nlmsg.HDRLEN + headerSize;
        request.fill((byte) 0);
        request.set(Wire.U16, Nlmsg.TYPE, (short) type);
        request.set(Wire.U16, Nlmsg.FLAGS, (short) (Nlmsg.F_REQUEST | F_ACK | flags));
        seq = seq == Integer.MAX_VALUE ? 1 : seq + 1;
        request.set(Wire.U32, Nlmsg.SEQ, seq);
    }

    /** Appends an attribute's header and room for its payload; returns where the payload goes. */
    private long attribute(int type, int size) {
        long payload = length + 4L;
        request.set(Wire.U16, length, (short) (4 + size));
        request.set(Wire.U16, length + 2, (short) type);
        length = (int) Wire.align(payload + size);
        return payload;
    }

    private void putMac(long at, MacAddress mac) {
        long bits = mac.bits();
        for (int i = 0; i < 6; i++) {
            request.set(ValueLayout.JAVA_BYTE, at + i, (byte) (bits >>> (8 * (5 - i))));
        }
    }

    /** Sends the request and waits for its acknowledgement. */
    private void commit(String what) throws SnapshotException {
        request.set(Wire.U32, Nlmsg.LEN, length);
        try {
            socket.send(request, length);
            while (true) {
                long n = socket.receive(answer, true);
                for (long at = 0; at + Nlmsg.HDRLEN <= Math.min(n, answer.byteSize()); ) {
                    long len = Wire.u32(answer, at + Nlmsg.LEN);
                    if (len < Nlmsg.HDRLEN) {
                        break;
                    }
                    if (Wire.u16(answer, at + Nlmsg.TYPE) == Nlmsg.ERROR && Wire.i32(answer, at + Nlmsg.SEQ) == seq) {
                        int error = Wire.i32(answer, at + Nlmsg.ERROR_CODE);
                        if (error != 0) {
                            throw new SnapshotException("the kernel refused to " + what + " in " + where + ": "
                                    + Libc.strerror(-error));
                        }
                        return;
                    }
                    at += Wire.align(len);
                }
            }
        } catch (SyscallFailure e) {
            throw new SnapshotException("cannot " + what + " in " + where + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        socket.close();
        arena.close();
    }
}
