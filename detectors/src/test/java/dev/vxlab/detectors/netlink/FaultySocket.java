package dev.vxlab.detectors.netlink;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Sits between a NetlinkSource and its real socket and passes the kernel's answers through, except for the faults a
 * test arms: each one fires once, on the answer to the next request of its message type (RTM_GET*).
 */
final class FaultySocket implements Datagrams {
    enum Kind {
        /** Sets NLM_F_DUMP_INTR on the first message of the next datagram answering the request. */
        INTERRUPT,
        /** Reports ENOBUFS before the next datagram (which still arrives). */
        OVERFLOW,
        /** Reports the datagram holding NLMSG_DONE as longer than the buffer: it and its DONE are lost. */
        TRUNCATE_DONE,
        /** Delivers a copy of the last datagram of an earlier dump (another sequence number) first. */
        STALE,
        /** Answers the request with NLMSG_ERROR carrying -errno instead of sending it. */
        REFUSE,
        /** Turns the dump's NLMSG_DONE into one carrying -errno, as a dump failing half-way ends. */
        FAIL_DONE
    }

    private record Fault(Kind kind, int requestType, int errno) {}

    private final Datagrams real;
    private final List<Fault> armed = new ArrayList<>();
    private final Deque<byte[]> injected = new ArrayDeque<>();
    private int alwaysInterrupt = -1;
    private final List<Integer> sentTypes = new ArrayList<>();
    private final Map<Integer, Integer> typeOfSeq = new HashMap<>();
    private byte[] lastDatagram;
    private final int[] requests = new int[128];

    FaultySocket(Datagrams real) {
        this.real = real;
    }

    FaultySocket arm(Kind kind, int requestType) {
        return arm(kind, requestType, 0);
    }

    FaultySocket arm(Kind kind, int requestType, int errno) {
        armed.add(new Fault(kind, requestType, errno));
        return this;
    }

    /** Every answer to requests of this type is flagged as interrupted, from now on. */
    FaultySocket alwaysInterrupt(int requestType) {
        alwaysInterrupt = requestType;
        return this;
    }

    boolean allFired() {
        return armed.isEmpty();
    }

    /** How many requests of this type were sent so far. */
    int requests(int requestType) {
        return requests[requestType];
    }

    /** An armed fault of this kind for the request type, removed as it fires. */
    private Fault take(Kind kind, int requestType) {
        for (Iterator<Fault> it = armed.iterator(); it.hasNext(); ) {
            Fault f = it.next();
            if (f.kind() == kind && f.requestType() == requestType) {
                it.remove();
                return f;
            }
        }
        return null;
    }

    /** An armed fault of this kind for any request of the last send. */
    private Fault takeForLastSend(Kind kind) {
        for (int type : sentTypes) {
            Fault f = take(kind, type);
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    /** Requests sent together arrive as several messages: each is refused, or passed on, on its own. */
    @Override
    public void send(MemorySegment request, long length) throws SyscallFailure {
        sentTypes.clear();
        byte[] passed = new byte[(int) length];
        int passedLength = 0;
        for (long at = 0; at + Nlmsg.HDRLEN <= length; at += Wire.align(Wire.u32(request, at))) {
            int type = Wire.u16(request, at + Nlmsg.TYPE);
            int seq = Wire.i32(request, at + Nlmsg.SEQ);
            requests[type]++;
            sentTypes.add(type);
            typeOfSeq.put(seq, type);
            Fault refuse = take(Kind.REFUSE, type);
            if (refuse != null) {
                byte[] error = errorAnswer(seq, refuse.errno());
                MemorySegment.copy(request, at, MemorySegment.ofArray(error), Nlmsg.ERROR_CODE + 4, Nlmsg.HDRLEN);
                injected.add(error);
            } else {
                int len = (int) Wire.u32(request, at);
                MemorySegment.copy(request, ValueLayout.JAVA_BYTE, at, passed, passedLength, len);
                passedLength += (int) Wire.align(len);
            }
        }
        if (takeForLastSend(Kind.STALE) != null) {
            injected.addFirst(lastDatagram.clone());
        }
        if (passedLength > 0) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment rest = arena.allocate(passedLength, 8);
                MemorySegment.copy(passed, 0, rest, ValueLayout.JAVA_BYTE, 0, passedLength);
                real.send(rest, passedLength);
            }
        }
    }

    @Override
    public long receive(MemorySegment buffer, boolean wait) throws SyscallFailure {
        if (!injected.isEmpty()) {
            return injected(buffer);
        }
        if (takeForLastSend(Kind.OVERFLOW) != null) {
            throw new SyscallFailure("recv", SyscallFailure.ENOBUFS);
        }
        return tamper(buffer, real.receive(buffer, wait));
    }

    /** Like the real socket, several at once; an injected datagram comes alone. */
    @Override
    public int receive(MemorySegment[] buffers, int count, long[] lengths, boolean wait) throws SyscallFailure {
        if (!injected.isEmpty()) {
            lengths[0] = injected(buffers[0]);
            return 1;
        }
        if (takeForLastSend(Kind.OVERFLOW) != null) {
            throw new SyscallFailure("recvmmsg", SyscallFailure.ENOBUFS);
        }
        int received = real.receive(buffers, count, lengths, wait);
        for (int i = 0; i < received; i++) {
            lengths[i] = tamper(buffers[i], lengths[i]);
        }
        return received;
    }

    private long injected(MemorySegment buffer) {
        byte[] datagram = injected.poll();
        MemorySegment.copy(datagram, 0, buffer, ValueLayout.JAVA_BYTE, 0, datagram.length);
        return datagram.length;
    }

    /** The armed faults applied to one received datagram: its length as the dump then sees it. */
    private long tamper(MemorySegment buffer, long n) {
        if (n > buffer.byteSize()) {
            return n;
        }
        // Each datagram answers one request: the one whose sequence number its first message carries.
        int type = n >= Nlmsg.HDRLEN ? typeOfSeq.getOrDefault(Wire.i32(buffer, Nlmsg.SEQ), -1) : -1;
        if (type == alwaysInterrupt || take(Kind.INTERRUPT, type) != null) {
            buffer.set(Wire.U16, Nlmsg.FLAGS, (short) (Wire.u16(buffer, Nlmsg.FLAGS) | Nlmsg.F_DUMP_INTR));
        }
        long done = findDone(buffer, n);
        if (done >= 0) {
            Fault fail = take(Kind.FAIL_DONE, type);
            if (fail != null) {
                buffer.set(Wire.U32, done + Nlmsg.HDRLEN, -fail.errno());
            }
            if (take(Kind.TRUNCATE_DONE, type) != null) {
                return buffer.byteSize() + 1;
            }
        }
        lastDatagram = buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        return n;
    }

    private static long findDone(MemorySegment buffer, long n) {
        for (long at = 0; at + Nlmsg.HDRLEN <= n; at += Wire.align(Wire.u32(buffer, at))) {
            if (Wire.u16(buffer, at + Nlmsg.TYPE) == Nlmsg.DONE) {
                return at;
            }
        }
        return -1;
    }

    /**
     * The kernel's refusal of a request: NLMSG_ERROR with the (negated) errno and room for the echoed request's header
     * (capped, as with NETLINK_CAP_ACK), left zero for the caller to fill.
     */
    static byte[] errorAnswer(int seq, int errno) {
        byte[] error = new byte[Nlmsg.HDRLEN + 4 + Nlmsg.HDRLEN];
        MemorySegment e = MemorySegment.ofArray(error);
        e.set(Wire.U32, Nlmsg.LEN, error.length);
        e.set(Wire.U16, Nlmsg.TYPE, (short) Nlmsg.ERROR);
        e.set(Wire.U16, Nlmsg.FLAGS, (short) Nlmsg.F_CAPPED);
        e.set(Wire.U32, Nlmsg.SEQ, seq);
        e.set(Wire.U32, Nlmsg.ERROR_CODE, -errno);
        return error;
    }
}
