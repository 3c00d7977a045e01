package dev.vxlab.detectors.netlink;

import dev.vxlab.detectors.netns.Libc;
import dev.vxlab.detectors.source.SnapshotException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Runs rtnetlink dumps over one socket: sends the request, then reads datagrams, several per receive call, into
 * reused buffers until the dump's NLMSG_DONE, handing each answer to a {@link MessageHandler}. It always reads a dump
 * to its end, even after something went wrong, so the socket is clean for the next request (the kernel refuses a new
 * dump while one is running); answers carrying another sequence number are left-overs and skipped.
 */
final class Dumper {
    /** A buffer for one datagram (NetlinkSubscription's). */
    static final int BUFFER_BYTES = 64 * 1024;
    /**
     * Datagrams per receive call: many rtnl dumps end with NLMSG_DONE alone in a datagram the kernel queues while
     * the last part is received, and a 1000-peer dump is 3-4 datagrams.
     */
    static final int BATCH = 4;
    /** The kernel's dump datagrams stop near 32 KB (unless one answer is larger: then the slots grow). */
    private static final long SLOT_BYTES = 32 * 1024;
    static final int RECEIVE_TIMEOUT_SECONDS = 10;
    private static final long OVERFLOWED = -1;
    private static final long NOTHING_QUEUED = -2;

    private final Datagrams socket;
    private final Arena arena;
    private final String where;
    private final MemorySegment request;
    private final Attributes ack = new Attributes(Nlmsg.NLMSGERR_ATTR_MSG);
    private final Outcome outcome = new Outcome();
    /** One buffer per datagram of a batch, and their lengths. */
    private final MemorySegment[] slots = new MemorySegment[BATCH];
    private final long[] lengths = new long[BATCH];
    /** Datagrams in the slots, and how many of them were read (the rest wait for the next dump, as if queued). */
    private int inSlots;
    private int read;
    /**
     * How many datagrams each kind of dump took last time, what its first receive asks for: asking for one more than
     * come makes the kernel try an empty queue (~0.4 us a snapshot of a 4-peer node).
     */
    private final Map<DumpRequest, Integer> lastDatagrams = new IdentityHashMap<>();
    private int firstAsks;
    /** Datagrams read by the running dump. */
    private int datagrams;
    /** The slot size the next receive needs, after a datagram did not fit. */
    private long slotBytes;
    /** The datagram being read. */
    private MemorySegment buffer;
    private int seq;

    /**
     * @param arena where the buffers live, as long as the socket does
     * @param where the namespace, for error sentences ("network namespace /run/netns/node0")
     */
    Dumper(Datagrams socket, Arena arena, String where) {
        this.socket = socket;
        this.arena = arena;
        this.where = where;
        this.request = arena.allocate(64, 8);
        allocateSlots(SLOT_BYTES);
    }

    private void allocateSlots(long bytes) {
        slotBytes = bytes;
        MemorySegment all = arena.allocate(bytes * BATCH, 8);
        for (int i = 0; i < BATCH; i++) {
            slots[i] = all.asSlice(i * bytes, bytes);
        }
    }

    /**
     * Runs one dump.
     *
     * @param ifindex 0 for every device, else the one device to dump (needs strict checking)
     * @throws TornDumpException when the dump must be taken again, with the whole snapshot
     * @throws SnapshotException when the kernel refuses the dump or its answer cannot be read
     */
    void dump(DumpRequest what, int ifindex, MessageHandler handler) throws SnapshotException, TornDumpException {
        int expected = nextSeq();
        long requestLength = what.write(request, expected, ifindex);
        try {
            socket.send(request, requestLength);
        } catch (SyscallFailure e) {
            throw new SnapshotException("cannot send the " + what.what() + " request in " + where + ": "
                    + e.getMessage(), e);
        }
        outcome.start(what);
        firstAsks = lastDatagrams.getOrDefault(what, BATCH);
        datagrams = 0;
        boolean doneMayBeLost = false;
        while (true) {
            // While a dump runs, the kernel queues its next part inside each recv(2) (and the first inside send(2)),
            // so when a datagram's end was lost, an empty queue means that end held NLMSG_DONE.
            long length = next(what, !doneMayBeLost);
            doneMayBeLost = false;
            if (length == NOTHING_QUEUED) { // the lost end held NLMSG_DONE
                outcome.end();
                throw new IllegalStateException("a lost datagram left the " + what.what()
                        + " neither torn nor unreadable");
            } else if (length == OVERFLOWED) {
                outcome.torn("the socket's receive queue overflowed (ENOBUFS)");
            } else if (length > buffer.byteSize()) {
                slotBytes = Math.max(slotBytes, Long.highestOneBit(length) << 1);
                outcome.torn("a datagram of " + length + " bytes did not fit the receive buffer");
                doneMayBeLost = true;
            } else {
                switch (readAnswers(length, expected, handler, outcome)) {
                    case DONE -> {
                        lastDatagrams.put(what, Math.min(datagrams, BATCH));
                        outcome.end();
                        return;
                    }
                    case CUT_SHORT -> doneMayBeLost = true;
                    case MORE -> { }
                }
            }
        }
    }

    private enum Progress { MORE, DONE, CUT_SHORT }

    /** Hands the datagram's answers to this dump to the handler, until NLMSG_DONE. */
    private Progress readAnswers(long received, int expected, MessageHandler handler, Outcome outcome)
            throws SnapshotException {
        for (long at = 0; at + Nlmsg.HDRLEN <= received; ) {
            long len = Wire.u32(buffer, at + Nlmsg.LEN);
            if (len < Nlmsg.HDRLEN || at + len > received) {
                outcome.unreadable(new IllegalArgumentException("a message claims " + len + " bytes where "
                        + (received - at) + " remain"));
                return Progress.CUT_SHORT;
            }
            long end = at + len;
            int type = Wire.u16(buffer, at + Nlmsg.TYPE);
            int flags = Wire.u16(buffer, at + Nlmsg.FLAGS);
            if (Wire.i32(buffer, at + Nlmsg.SEQ) == expected) { // else a left-over of an abandoned dump
                if ((flags & Nlmsg.F_DUMP_INTR) != 0) {
                    outcome.torn("the kernel flagged it as interrupted by a change (NLM_F_DUMP_INTR)");
                }
                switch (type) {
                    case Nlmsg.DONE -> {
                        // A dump that fails half-way ends with NLMSG_DONE carrying the error.
                        int error = len >= Nlmsg.HDRLEN + 4 ? Wire.i32(buffer, at + Nlmsg.HDRLEN) : 0;
                        if (error < 0) {
                            throw refused(outcome.what, -error, extendedAck(at + Nlmsg.HDRLEN + 4, end, flags));
                        }
                        return Progress.DONE;
                    }
                    case Nlmsg.ERROR -> {
                        int error = Wire.i32(buffer, at + Nlmsg.ERROR_CODE);
                        if (error != 0) { // refused before the dump started: nothing more will come
                            throw refused(outcome.what, -error, errorAck(at, end, flags));
                        }
                    }
                    case Nlmsg.OVERRUN -> outcome.torn("the kernel reported an overrun (NLMSG_OVERRUN)");
                    default -> {
                        if (type == outcome.what.replyType() && outcome.clean()) {
                            try {
                                handler.accept(buffer, at, end);
                            } catch (TornDumpException e) {
                                outcome.torn(e.getMessage());
                            } catch (RuntimeException e) {
                                outcome.unreadable(e);
                            }
                        }
                    }
                }
            }
            at += Wire.align(len);
        }
        return Progress.MORE;
    }

    /**
     * What went wrong during a dump, reported only once the dump was read to its end. A torn dump is taken again;
     * an unreadable one is an error. One for every dump of the socket (they run one at a time).
     */
    private final class Outcome {
        DumpRequest what;
        private String torn;
        private RuntimeException unreadable;

        void start(DumpRequest request) {
            what = request;
            torn = null;
            unreadable = null;
        }

        void torn(String why) {
            torn = why;
        }

        void unreadable(RuntimeException e) {
            if (unreadable == null) {
                unreadable = e;
            }
        }

        /** Whether answers are still worth reading. */
        boolean clean() {
            return torn == null && unreadable == null;
        }

        void end() throws TornDumpException, SnapshotException {
            if (torn != null) {
                throw new TornDumpException("the " + what.what() + " is torn: " + torn);
            }
            if (unreadable != null) {
                throw new SnapshotException("cannot read the kernel's " + what.what() + " in " + where + ": "
                        + (unreadable instanceof IllegalArgumentException ? unreadable.getMessage()
                                : unreadable.toString()), unreadable);
            }
        }
    }

    /**
     * Points {@link #buffer} at the next datagram and returns its length, receiving a batch when every datagram of
     * the last one was read; {@link #OVERFLOWED} after ENOBUFS, {@link #NOTHING_QUEUED} when not waiting.
     */
    private long next(DumpRequest what, boolean wait) throws SnapshotException {
        if (read == inSlots) {
            if (slotBytes > slots[0].byteSize()) { // only once every datagram in the old slots was read
                allocateSlots(slotBytes);
            }
            read = 0;
            inSlots = 0;
            try {
                inSlots = socket.receive(slots, datagrams == 0 ? firstAsks : BATCH, lengths, wait);
            } catch (SyscallFailure e) {
                if (e.errno() == SyscallFailure.ENOBUFS) {
                    return OVERFLOWED;
                }
                if (e.errno() == SyscallFailure.EAGAIN) {
                    if (!wait) {
                        return NOTHING_QUEUED;
                    }
                    throw new SnapshotException("the kernel did not answer the " + what.what() + " in " + where
                            + " within " + RECEIVE_TIMEOUT_SECONDS + " seconds", e);
                }
                throw new SnapshotException("cannot receive the " + what.what() + " in " + where + ": "
                        + e.getMessage(), e);
            }
        }
        buffer = slots[read];
        datagrams++;
        return lengths[read++];
    }

    private int nextSeq() {
        seq++;
        if (seq == 0) {
            seq = 1; // 0 is what notifications carry
        }
        return seq;
    }

    private SnapshotException refused(DumpRequest what, int errno, String detail) {
        return new SnapshotException("the kernel refused the " + what.what() + " in " + where + ": "
                + Libc.strerror(errno) + " (errno " + errno + (detail == null ? "" : ", \"" + detail + "\"") + ")");
    }

    /** NLMSGERR_ATTR_MSG of an NLMSG_ERROR: after the error code and the echoed request (only its header if capped). */
    private String errorAck(long at, long end, int flags) {
        long echoed = at + Nlmsg.ERROR_CODE + 4;
        long echoedLength = (flags & Nlmsg.F_CAPPED) != 0 ? Nlmsg.HDRLEN
                : Wire.align(Wire.u32(buffer, echoed + Nlmsg.LEN));
        return extendedAck(echoed + echoedLength, end, flags);
    }

    private String extendedAck(long from, long end, int flags) {
        if ((flags & Nlmsg.F_ACK_TLVS) == 0 || from >= end) {
            return null;
        }
        try {
            ack.parse(buffer, from, end);
            return ack.has(Nlmsg.NLMSGERR_ATTR_MSG) ? ack.string(Nlmsg.NLMSGERR_ATTR_MSG) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
