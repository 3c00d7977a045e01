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
     * the last part is received, dumps sent together answer several, and a 1000-peer dump is 3-4.
     */
    static final int BATCH = 8;
    /** The kernel's dump datagrams stop near 32 KB (unless one answer is larger: then the slots grow). */
    private static final long SLOT_BYTES = 32 * 1024;
    static final int RECEIVE_TIMEOUT_SECONDS = 10;
    private static final long OVERFLOWED = -1;
    private static final long NOTHING_QUEUED = -2;

    private final Datagrams socket;
    private final Arena arena;
    private final String where;
    /** The most requests sent together. */
    static final int MAX_TOGETHER = 8;
    private static final long REQUEST_BYTES = 64;
    private static final int EBUSY = 16;
    private final MemorySegment request;
    /** The requests of one send: their sequence numbers, which ended, which the kernel refused as busy. */
    private final int[] seqs = new int[MAX_TOGETHER];
    private final boolean[] ended = new boolean[MAX_TOGETHER];
    private final boolean[] busy = new boolean[MAX_TOGETHER];
    private int running;
    private final DumpRequest[] one = new DumpRequest[1];
    private final MessageHandler[] oneHandler = new MessageHandler[1];
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
        this.request = arena.allocate(REQUEST_BYTES * MAX_TOGETHER, 8);
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
        one[0] = what;
        oneHandler[0] = handler;
        run(one, oneHandler, 1, ifindex);
    }

    /**
     * Runs dumps of every device sent in one request, saving a round trip each. The kernel starts each one while it
     * reads the request; one that finds the one before still running (its answer did not fit one datagram) is
     * refused with EBUSY and runs again after. Put small dumps whose NLMSG_DONE shares their datagram first.
     *
     * @throws TornDumpException when one of them is torn: take the whole snapshot again
     * @throws SnapshotException when the kernel refuses one or an answer cannot be read (each is read to its end)
     */
    void dumpTogether(DumpRequest[] whats, MessageHandler[] handlers) throws SnapshotException, TornDumpException {
        DumpRequest[] left = whats;
        MessageHandler[] leftHandlers = handlers;
        int count = whats.length;
        while (count > 0) {
            int refused = run(left, leftHandlers, count, 0);
            if (refused == 0) {
                return;
            }
            DumpRequest[] again = new DumpRequest[refused];
            MessageHandler[] againHandlers = new MessageHandler[refused];
            for (int k = 0, j = 0; k < count; k++) {
                if (this.busy[k]) {
                    again[j] = left[k];
                    againHandlers[j++] = leftHandlers[k];
                }
            }
            left = again;
            leftHandlers = againHandlers;
            count = refused;
        }
    }

    /** Sends the requests in one datagram and reads every answer; how many were refused as busy (see dumpTogether). */
    private int run(DumpRequest[] whats, MessageHandler[] handlers, int count, int ifindex)
            throws SnapshotException, TornDumpException {
        if (count > MAX_TOGETHER) {
            throw new IllegalArgumentException("at most " + MAX_TOGETHER + " dumps together");
        }
        long requestLength = 0;
        for (int k = 0; k < count; k++) {
            seqs[k] = nextSeq();
            ended[k] = false;
            busy[k] = false;
            requestLength += whats[k].write(request.asSlice(requestLength, REQUEST_BYTES), seqs[k], ifindex);
        }
        try {
            socket.send(request, requestLength);
        } catch (SyscallFailure e) {
            throw new SnapshotException("cannot send the " + names(whats, count) + " request in " + where + ": "
                    + e.getMessage(), e);
        }
        outcome.start();
        firstAsks = lastDatagrams.getOrDefault(whats[0], BATCH);
        datagrams = 0;
        running = count;
        // While a dump runs, the kernel queues its next part inside each recv(2) (and the first inside send(2)), and
        // of requests sent together it starts the next only when the one before ended: so when a datagram's end was
        // lost, an empty queue means every dump ended.
        boolean draining = false;
        while (running > 0) {
            long length = next(whats, count, !draining);
            if (length == NOTHING_QUEUED) { // the lost end held the NLMSG_DONE of those still running
                outcome.end();
                throw new IllegalStateException("a lost datagram left the " + names(whats, count)
                        + " neither torn nor unreadable");
            } else if (length == OVERFLOWED) {
                outcome.torn(names(whats, count), "the socket's receive queue overflowed (ENOBUFS)");
            } else if (length > buffer.byteSize()) {
                slotBytes = Math.max(slotBytes, Long.highestOneBit(length) << 1);
                outcome.torn(names(whats, count), "a datagram of " + length + " bytes did not fit the receive buffer");
                draining = true;
            } else if (!readAnswers(length, whats, handlers, count)) {
                draining = true;
            }
        }
        lastDatagrams.put(whats[0], Math.min(datagrams, BATCH));
        outcome.end();
        int refusedBusy = 0;
        for (int k = 0; k < count; k++) {
            refusedBusy += busy[k] ? 1 : 0;
        }
        return refusedBusy;
    }

    private static String names(DumpRequest[] whats, int count) {
        if (count == 1) {
            return whats[0].what();
        }
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < count; k++) {
            b.append(k == 0 ? "" : k == count - 1 ? " and " : ", ").append(whats[k].what());
        }
        return b.toString();
    }

    /**
     * Hands the datagram's answers to the handlers of their dumps, marking the dumps that ended.
     *
     * @return false when the datagram was cut short (a message claims more bytes than it holds)
     */
    private boolean readAnswers(long received, DumpRequest[] whats, MessageHandler[] handlers, int count) {
        for (long at = 0; at + Nlmsg.HDRLEN <= received; ) {
            long len = Wire.u32(buffer, at + Nlmsg.LEN);
            if (len < Nlmsg.HDRLEN || at + len > received) {
                outcome.unreadable(names(whats, count), new IllegalArgumentException("a message claims " + len
                        + " bytes where " + (received - at) + " remain"));
                return false;
            }
            long end = at + len;
            int k = dumpOf(Wire.i32(buffer, at + Nlmsg.SEQ), count);
            if (k >= 0) { // else a left-over of an abandoned dump
                DumpRequest what = whats[k];
                int type = Wire.u16(buffer, at + Nlmsg.TYPE);
                int flags = Wire.u16(buffer, at + Nlmsg.FLAGS);
                if ((flags & Nlmsg.F_DUMP_INTR) != 0) {
                    outcome.torn(what.what(), "the kernel flagged it as interrupted by a change (NLM_F_DUMP_INTR)");
                }
                switch (type) {
                    case Nlmsg.DONE -> {
                        // A dump that fails half-way ends with NLMSG_DONE carrying the error.
                        int error = len >= Nlmsg.HDRLEN + 4 ? Wire.i32(buffer, at + Nlmsg.HDRLEN) : 0;
                        if (error < 0) {
                            outcome.refused(refused(what, -error, extendedAck(at + Nlmsg.HDRLEN + 4, end, flags)));
                        }
                        end(k);
                    }
                    case Nlmsg.ERROR -> {
                        int error = Wire.i32(buffer, at + Nlmsg.ERROR_CODE);
                        if (error != 0) { // refused before the dump started: nothing more will come
                            if (-error == EBUSY && k > 0) {
                                busy[k] = true; // the one before still ran: it runs again
                            } else {
                                outcome.refused(refused(what, -error, errorAck(at, end, flags)));
                            }
                            end(k);
                        }
                    }
                    case Nlmsg.OVERRUN -> outcome.torn(what.what(), "the kernel reported an overrun (NLMSG_OVERRUN)");
                    default -> {
                        if (type == what.replyType() && outcome.clean()) {
                            try {
                                handlers[k].accept(buffer, at, end);
                            } catch (TornDumpException e) {
                                outcome.torn(what.what(), e.getMessage());
                            } catch (RuntimeException e) {
                                outcome.unreadable(what.what(), e);
                            }
                        }
                    }
                }
            }
            at += Wire.align(len);
        }
        return true;
    }

    /** Which of the running requests carries the sequence number, or -1. */
    private int dumpOf(int seq, int count) {
        for (int k = 0; k < count; k++) {
            if (seqs[k] == seq) {
                return ended[k] ? -1 : k;
            }
        }
        return -1;
    }

    private void end(int k) {
        ended[k] = true;
        running--;
    }

    /**
     * What went wrong during the dumps of one request, reported only once all were read to their end. A torn dump is
     * taken again; a refused or unreadable one is an error.
     */
    private final class Outcome {
        private String tornWhat;
        private String torn;
        private String unreadableWhat;
        private RuntimeException unreadable;
        private SnapshotException refused;

        void start() {
            torn = null;
            unreadable = null;
            refused = null;
        }

        void torn(String what, String why) {
            tornWhat = what;
            torn = why;
        }

        void unreadable(String what, RuntimeException e) {
            if (unreadable == null) {
                unreadableWhat = what;
                unreadable = e;
            }
        }

        void refused(SnapshotException e) {
            if (refused == null) {
                refused = e;
            }
        }

        /** Whether answers are still worth reading. */
        boolean clean() {
            return torn == null && unreadable == null && refused == null;
        }

        void end() throws TornDumpException, SnapshotException {
            if (refused != null) {
                throw refused;
            }
            if (torn != null) {
                throw new TornDumpException("the " + tornWhat + " is torn: " + torn);
            }
            if (unreadable != null) {
                throw new SnapshotException("cannot read the kernel's " + unreadableWhat + " in " + where
                        + ": " + (unreadable instanceof IllegalArgumentException ? unreadable.getMessage()
                                : unreadable.toString()), unreadable);
            }
        }
    }

    /**
     * Points {@link #buffer} at the next datagram and returns its length, receiving a batch when every datagram of
     * the last one was read; {@link #OVERFLOWED} after ENOBUFS, {@link #NOTHING_QUEUED} when not waiting.
     */
    private long next(DumpRequest[] whats, int count, boolean wait) throws SnapshotException {
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
                    throw new SnapshotException("the kernel did not answer the " + names(whats, count) + " in " + where
                            + " within " + RECEIVE_TIMEOUT_SECONDS + " seconds", e);
                }
                throw new SnapshotException("cannot receive the " + names(whats, count) + " in " + where + ": "
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
