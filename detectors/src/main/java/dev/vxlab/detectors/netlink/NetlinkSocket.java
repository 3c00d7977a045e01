package dev.vxlab.detectors.netlink;

import dev.vxlab.detectors.netns.Libc;
import dev.vxlab.detectors.netns.NamespaceException;
import dev.vxlab.detectors.netns.NetnsExecutor;
import dev.vxlab.detectors.source.SnapshotException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * A NETLINK_ROUTE socket driven through the FFM API. The socket belongs to the network namespace of the thread that
 * created it ({@link #openIn} creates it on a thread moved there with setns(2)) and can then be used from any thread,
 * one at a time. Its scratch memory (errno capture, option values) comes from the caller's arena, allocated once.
 */
final class NetlinkSocket implements Datagrams, AutoCloseable {
    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int NETLINK_ROUTE = 0;

    static final int SOL_SOCKET = 1;
    static final int SO_RCVBUF = 8;
    private static final int SO_RCVTIMEO = 20;
    static final int SOL_NETLINK = 270;
    static final int NETLINK_CAP_ACK = 10;
    static final int NETLINK_EXT_ACK = 11;
    static final int NETLINK_GET_STRICT_CHK = 12;

    private static final int MSG_TRUNC = 0x20;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int MSG_WAITFORONE = 0x10000;
    /** The most datagrams one {@link #receive(MemorySegment[], int, long[], boolean)} takes. */
    static final int MAX_BATCH = 8;
    /** struct mmsghdr on x86_64 and aarch64: msghdr (56 bytes: name, namelen, iov, iovlen, control, ...) + msg_len. */
    private static final long MMSGHDR_SIZE = 64;
    private static final long MSG_IOV = 16;
    private static final long MSG_IOVLEN = 24;
    private static final long MSG_LEN = 56;
    private static final long IOVEC_SIZE = 16;
    private static final short POLLIN = 1;

    private static final MethodHandle SOCKET = Libc.downcall("socket", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle SETSOCKOPT = Libc.downcall("setsockopt", FunctionDescriptor.of(
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
            ValueLayout.JAVA_INT));
    private static final MethodHandle BIND = Libc.downcall("bind", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle SEND = Libc.downcall("send", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle RECV = Libc.downcall("recv", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle RECVMMSG = Libc.downcall("recvmmsg", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS));
    private static final MethodHandle POLL = Libc.downcall("poll", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));

    private final int fd;
    private final MemorySegment callState;
    private final MemorySegment scratch;
    /** MAX_BATCH struct mmsghdr, each with one iovec (after them) that receive points at the caller's buffer. */
    private final MemorySegment messages;
    private boolean closed;

    private NetlinkSocket(int fd, Arena arena) {
        this.fd = fd;
        this.callState = Libc.callState(arena);
        this.scratch = arena.allocate(16, 8);
        this.messages = arena.allocate(MAX_BATCH * (MMSGHDR_SIZE + IOVEC_SIZE), 8);
        messages.fill((byte) 0);
        for (int i = 0; i < MAX_BATCH; i++) {
            messages.set(ValueLayout.ADDRESS, i * MMSGHDR_SIZE + MSG_IOV, iovec(i));
            messages.set(ValueLayout.JAVA_LONG, i * MMSGHDR_SIZE + MSG_IOVLEN, 1);
        }
    }

    private MemorySegment iovec(int i) {
        return messages.asSlice(MAX_BATCH * MMSGHDR_SIZE + i * IOVEC_SIZE, IOVEC_SIZE);
    }

    /** A socket in the calling thread's network namespace. */
    static NetlinkSocket openHere(Arena arena) throws SnapshotException {
        try {
            return new NetlinkSocket(newSocket(), arena);
        } catch (SyscallFailure e) {
            throw new SnapshotException("cannot open a netlink socket: " + e.getMessage(), e);
        }
    }

    /** A socket in the network namespace behind the file (/run/netns/NAME, /proc/PID/ns/net). */
    static NetlinkSocket openIn(Path namespaceFile, Arena arena) throws SnapshotException {
        try (NetnsExecutor inside = NetnsExecutor.open(namespaceFile)) {
            return new NetlinkSocket(inside.call(NetlinkSocket::newSocket), arena);
        } catch (NamespaceException e) {
            throw new SnapshotException(e.getMessage(), e);
        } catch (SyscallFailure e) {
            throw new SnapshotException("cannot open a netlink socket in network namespace " + namespaceFile + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SnapshotException("interrupted while opening a netlink socket in network namespace "
                    + namespaceFile, e);
        } catch (Exception e) {
            throw new SnapshotException("cannot open a netlink socket in network namespace " + namespaceFile + ": "
                    + e, e);
        }
    }

    private static int newSocket() throws SyscallFailure {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.callState(arena);
            int fd = (int) SOCKET.invokeExact(state, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
            if (fd < 0) {
                throw new SyscallFailure("socket(AF_NETLINK, NETLINK_ROUTE)", Libc.errno(state));
            }
            return fd;
        } catch (SyscallFailure e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("socket downcall failed", t);
        }
    }

    private int errno() {
        return Libc.errno(callState);
    }

    /** setsockopt(2) with an int value. */
    void setOption(int level, int name, int value) throws SyscallFailure {
        scratch.set(ValueLayout.JAVA_INT, 0, value);
        setOption(level, name, 4, "setsockopt(" + level + ", " + name + ")");
    }

    /** SO_RCVTIMEO: a blocking receive gives up with EAGAIN after this many seconds. */
    void setReceiveTimeout(int seconds) throws SyscallFailure {
        scratch.set(ValueLayout.JAVA_LONG, 0, seconds); // struct timeval: tv_sec, tv_usec
        scratch.set(ValueLayout.JAVA_LONG, 8, 0);
        setOption(SOL_SOCKET, SO_RCVTIMEO, 16, "setsockopt(SO_RCVTIMEO)");
    }

    private void setOption(int level, int name, int size, String call) throws SyscallFailure {
        try {
            int rc = (int) SETSOCKOPT.invokeExact(callState, fd, level, name, scratch, size);
            if (rc != 0) {
                throw new SyscallFailure(call, errno());
            }
        } catch (SyscallFailure e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("setsockopt downcall failed", t);
        }
    }

    /** bind(2) to the legacy multicast group bit mask (RTMGRP_*); the kernel picks the port id. */
    void bindGroups(int groups) throws SyscallFailure {
        scratch.fill((byte) 0);
        scratch.set(ValueLayout.JAVA_SHORT, 0, (short) AF_NETLINK); // struct sockaddr_nl
        scratch.set(ValueLayout.JAVA_INT, 8, groups);
        try {
            int rc = (int) BIND.invokeExact(callState, fd, scratch, 12);
            if (rc != 0) {
                throw new SyscallFailure("bind(AF_NETLINK)", errno());
            }
        } catch (SyscallFailure e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("bind downcall failed", t);
        }
    }

    @Override
    public void send(MemorySegment request, long length) throws SyscallFailure {
        try {
            while (true) {
                long n = (long) SEND.invokeExact(callState, fd, request, length, 0);
                if (n >= 0) {
                    return;
                }
                if (errno() != SyscallFailure.EINTR) {
                    throw new SyscallFailure("send", errno());
                }
            }
        } catch (SyscallFailure e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("send downcall failed", t);
        }
    }

    @Override
    public long receive(MemorySegment buffer, boolean wait) throws SyscallFailure {
        int flags = wait ? MSG_TRUNC : MSG_TRUNC | MSG_DONTWAIT;
        try {
            while (true) {
                long n = (long) RECV.invokeExact(callState, fd, buffer, buffer.byteSize(), flags);
                if (n >= 0) {
                    return n;
                }
                if (errno() != SyscallFailure.EINTR) {
                    throw new SyscallFailure("recv", errno());
                }
            }
        } catch (SyscallFailure e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("recv downcall failed", t);
        }
    }

    /**
     * recvmmsg(2) with MSG_WAITFORONE: waits (if asked) only for the first datagram, then takes what else is queued,
     * such as the next part of a dump, which the kernel queues while the first one is received.
     */
    @Override
    public int receive(MemorySegment[] buffers, int count, long[] lengths, boolean wait) throws SyscallFailure {
        count = Math.min(count, Math.min(buffers.length, MAX_BATCH));
        long iovecs = MAX_BATCH * MMSGHDR_SIZE;
        for (int i = 0; i < count; i++) {
            messages.set(ValueLayout.JAVA_LONG, iovecs + i * IOVEC_SIZE, buffers[i].address());
            messages.set(ValueLayout.JAVA_LONG, iovecs + i * IOVEC_SIZE + 8, buffers[i].byteSize());
        }
        int flags = MSG_TRUNC | (wait ? MSG_WAITFORONE : MSG_DONTWAIT);
        try {
            while (true) {
                int n = (int) RECVMMSG.invokeExact(callState, fd, messages, count, flags, MemorySegment.NULL);
                if (n > 0) {
                    for (int i = 0; i < n; i++) { // with MSG_TRUNC, the real length even when cut
                        lengths[i] = Integer.toUnsignedLong(messages.get(ValueLayout.JAVA_INT,
                                i * MMSGHDR_SIZE + MSG_LEN));
                    }
                    return n;
                }
                if (n == 0 || errno() != SyscallFailure.EINTR) {
                    throw new SyscallFailure("recvmmsg", n == 0 ? SyscallFailure.EAGAIN : errno());
                }
            }
        } catch (SyscallFailure e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("recvmmsg downcall failed", t);
        }
    }

    /** What {@link #poll} found ready: the socket, the other descriptor. */
    static final int SOCKET_READY = 1;
    static final int OTHER_READY = 2;

    /**
     * poll(2) on the socket and another descriptor (an eventfd that wakes the wait; negative for none): which of them
     * is readable within the timeout (a datagram or an error such as ENOBUFS counts), 0 for none or EINTR.
     */
    int poll(int otherFd, int millis) throws SyscallFailure {
        scratch.set(ValueLayout.JAVA_INT, 0, fd); // struct pollfd[2]: fd, events, revents
        scratch.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
        scratch.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
        scratch.set(ValueLayout.JAVA_INT, 8, otherFd); // poll(2) skips a negative fd
        scratch.set(ValueLayout.JAVA_SHORT, 12, POLLIN);
        scratch.set(ValueLayout.JAVA_SHORT, 14, (short) 0);
        try {
            int n = (int) POLL.invokeExact(callState, scratch, 2L, millis);
            if (n < 0) {
                if (errno() == SyscallFailure.EINTR) {
                    return 0;
                }
                throw new SyscallFailure("poll", errno());
            }
            return (scratch.get(ValueLayout.JAVA_SHORT, 6) != 0 ? SOCKET_READY : 0)
                    | (scratch.get(ValueLayout.JAVA_SHORT, 14) != 0 ? OTHER_READY : 0);
        } catch (SyscallFailure e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("poll downcall failed", t);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
        }
    }
}
