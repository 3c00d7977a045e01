package dev.vxlab.detectors.netlink;

import java.lang.foreign.MemorySegment;

/** The things a dump needs from a netlink socket; tests replay recorded kernel answers through it. */
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

    /**
     * Copies the next datagrams, at most count, one into each buffer in order, waiting (if asked) only for the first;
     * the rest are those already queued. This default takes one at a time.
     *
     * @param lengths where each datagram's real length goes, as {@link #receive(MemorySegment, boolean)} returns it
     * @return how many datagrams came, at least 1
     */
    default int receive(MemorySegment[] buffers, int count, long[] lengths, boolean wait) throws SyscallFailure {
        lengths[0] = receive(buffers[0], wait);
        return 1;
    }
}
