package dev.vxlab.detectors.netlink;

import java.lang.foreign.MemorySegment;

/** The two things a dump needs from a netlink socket; tests replay recorded kernel answers through it. */
interface Datagrams {
    /** Sends one request to the kernel. */
    void send(MemorySegment request, long length) throws SyscallFailure;

    /**
     * Copies the next datagram into the buffer.
     *
     * @param wait whether to wait for one; without waiting, an empty queue is EAGAIN
     * @return the datagram's real length, larger than the buffer when it did not fit (its tail is lost)
     */
    long receive(MemorySegment buffer, boolean wait) throws SyscallFailure;
}
