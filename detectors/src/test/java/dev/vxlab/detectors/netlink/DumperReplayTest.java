package dev.vxlab.detectors.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.detectors.source.SnapshotException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Dumper on replayed datagrams shaped like the kernel's: NLMSG_DONE alone in its own datagram (as most rtnl dumps end),
 * taken one receive at a time and several per receive; each answer must reach the handler exactly once, the DONE
 * datagram must end the dump (never be lost nor read twice), and nothing may be left queued or received in excess.
 */
class DumperReplayTest {
    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        arena.close();
    }

    /** Recorded datagrams handed out in order: MSG_TRUNC lengths, EAGAIN when empty (a waiting receive too). */
    private static class Replay implements Datagrams {
        final Deque<byte[]> queue = new ArrayDeque<>();
        /** What the kernel queues on each later send. */
        final Deque<byte[][]> onSend = new ArrayDeque<>();
        int sends;
        int receiveCalls;

        Replay queue(byte[]... datagrams) {
            queue.addAll(List.of(datagrams));
            return this;
        }

        @Override
        public void send(MemorySegment request, long length) {
            sends++;
            if (!onSend.isEmpty()) {
                queue(onSend.poll());
            }
        }

        @Override
        public long receive(MemorySegment buffer, boolean wait) throws SyscallFailure {
            receiveCalls++;
            return take(buffer);
        }

        long take(MemorySegment buffer) throws SyscallFailure {
            byte[] d = queue.poll();
            if (d == null) {
                throw new SyscallFailure("recv", SyscallFailure.EAGAIN);
            }
            MemorySegment.copy(d, 0, buffer, ValueLayout.JAVA_BYTE, 0, (int) Math.min(d.length, buffer.byteSize()));
            return d.length;
        }
    }

    /** As recvmmsg(2) with MSG_WAITFORONE: everything queued, up to one datagram per buffer. */
    private static final class BatchReplay extends Replay {
        @Override
        public int receive(MemorySegment[] buffers, int count, long[] lengths, boolean wait) throws SyscallFailure {
            receiveCalls++;
            lengths[0] = take(buffers[0]);
            int n = 1;
            while (n < count && !queue.isEmpty()) {
                lengths[n] = take(buffers[n]);
                n++;
            }
            return n;
        }
    }

    /** One datagram of messages, each of the given type and sequence number (a payload of 4 bytes: its number). */
    private static byte[] datagram(int type, int seq, int... payloads) {
        int size = 20;
        byte[] d = new byte[size * payloads.length];
        MemorySegment m = MemorySegment.ofArray(d);
        for (int i = 0; i < payloads.length; i++) {
            m.set(Wire.U32, i * size + Nlmsg.LEN, size);
            m.set(Wire.U16, i * size + Nlmsg.TYPE, (short) type);
            m.set(Wire.U16, i * size + Nlmsg.FLAGS, (short) Nlmsg.F_MULTI);
            m.set(Wire.U32, i * size + Nlmsg.SEQ, seq);
            m.set(Wire.U32, i * size + Nlmsg.HDRLEN, payloads[i]);
        }
        return d;
    }

    private static byte[] links(int seq, int... numbers) {
        return datagram(Rtm.NEWLINK, seq, numbers);
    }

    private static byte[] done(int seq) {
        return datagram(Nlmsg.DONE, seq, 0);
    }

    /** The payload numbers the handler saw, in order. */
    private static List<Integer> dump(Dumper dumper) throws Exception {
        List<Integer> seen = new ArrayList<>();
        dumper.dump(DumpRequest.LINKS, 0, (buffer, at, end) -> seen.add(Wire.i32(buffer, at + Nlmsg.HDRLEN)));
        return seen;
    }

    @Test
    void aDoneAloneInItsDatagramEndsTheDumpOnceWhetherReceivedAloneOrWithThePart() throws Exception {
        for (Replay replay : List.of(new Replay(), new BatchReplay())) {
            Dumper dumper = new Dumper(replay, arena, "replay");
            replay.queue(links(1, 1, 2), links(1, 3), done(1));
            assertThat(dump(dumper)).as(replay.getClass().getSimpleName()).containsExactly(1, 2, 3);
            // The next dump sees only its own answers: the first DONE was neither left behind nor read again.
            replay.queue(links(2, 4), done(2));
            assertThat(dump(dumper)).containsExactly(4);
            assertThat(replay.queue).isEmpty();
            assertThat(replay.receiveCalls).isEqualTo(replay instanceof BatchReplay ? 2 : 5);
        }
    }

    @Test
    void withoutItsDoneADumpWaitsForIt() {
        for (Replay replay : List.of(new Replay(), new BatchReplay())) {
            Dumper dumper = new Dumper(replay, arena, "replay");
            replay.queue(links(1, 1), links(2, 9), done(2)); // another dump's DONE does not end this one
            assertThatThrownBy(() -> dump(dumper)).isInstanceOf(SnapshotException.class)
                    .hasMessageContaining("did not answer the link dump");
        }
    }

    @Test
    void aDumpLongerThanLastTimeIsReadToItsEnd() throws Exception {
        BatchReplay replay = new BatchReplay();
        Dumper dumper = new Dumper(replay, arena, "replay");
        replay.queue(links(1, 1), done(1));
        assertThat(dump(dumper)).containsExactly(1);
        replay.queue(links(2, 2), links(2, 3), links(2, 4), done(2)); // the first receive asks for two only
        assertThat(dump(dumper)).containsExactly(2, 3, 4);
        assertThat(replay.queue).isEmpty();
        assertThat(replay.receiveCalls).isEqualTo(3);
    }

    private static byte[] busy(int seq) {
        return FaultySocket.errorAnswer(seq, 16); // EBUSY
    }

    @Test
    void dumpsSentTogetherReachTheirHandlersAndOneRefusedAsBusyRunsAgain() throws Exception {
        for (Replay replay : List.of(new Replay(), new BatchReplay())) {
            Dumper dumper = new Dumper(replay, arena, "replay");
            List<Integer> rules = new ArrayList<>();
            List<Integer> netconf = new ArrayList<>();
            DumpRequest[] whats = {DumpRequest.RULES, DumpRequest.NETCONF};
            MessageHandler[] handlers = {
                    (b, at, end) -> rules.add(Wire.i32(b, at + Nlmsg.HDRLEN)),
                    (b, at, end) -> netconf.add(Wire.i32(b, at + Nlmsg.HDRLEN))};
            // The rule dump (seq 1) spans two datagrams, so the netconf dump (seq 2) is refused as busy.
            replay.onSend.add(new byte[][] {datagram(Rtm.NEWRULE, 1, 1), busy(2), datagram(Rtm.NEWRULE, 1, 2),
                    done(1)});
            replay.onSend.add(new byte[][] {datagram(Rtm.NEWNETCONF, 3, 3), done(3)});
            dumper.dumpTogether(whats, handlers);
            assertThat(rules).containsExactly(1, 2);
            assertThat(netconf).containsExactly(3);
            assertThat(replay.sends).isEqualTo(2);
            assertThat(replay.queue).isEmpty();
        }
    }

    @Test
    void aDumpRefusedInAGroupIsOneSentenceAfterTheOthersWereReadToTheirEnd() {
        BatchReplay replay = new BatchReplay();
        Dumper dumper = new Dumper(replay, arena, "replay");
        byte[] refused = busy(1);
        MemorySegment.ofArray(refused).set(Wire.U32, Nlmsg.ERROR_CODE, -1);
        replay.onSend.add(new byte[][] {refused, datagram(Rtm.NEWNETCONF, 2, 3), done(2)});
        assertThatThrownBy(() -> dumper.dumpTogether(new DumpRequest[] {DumpRequest.RULES, DumpRequest.NETCONF},
                new MessageHandler[] {(b, at, end) -> { }, (b, at, end) -> { }}))
                .isInstanceOf(SnapshotException.class)
                .hasMessage("the kernel refused the IPv4 rule dump (RTM_GETRULE) in replay: Operation not permitted"
                        + " (errno 1)");
        assertThat(replay.queue).isEmpty();
    }

    @Test
    void datagramsReceivedAfterTheDoneAreReadByTheNextDumpAsIfStillQueued() throws Exception {
        BatchReplay replay = new BatchReplay();
        Dumper dumper = new Dumper(replay, arena, "replay");
        // A left-over of an abandoned dump behind this one's DONE: received in the same batch, skipped by the next.
        replay.queue(links(1, 1), done(1), links(7, 8), done(7));
        assertThat(dump(dumper)).containsExactly(1);
        replay.queue(links(2, 2), done(2));
        assertThat(dump(dumper)).containsExactly(2);
        assertThat(replay.queue).isEmpty();
    }

    @Test
    void aCutDatagramBeforeTheDoneInTheSameBatchTearsTheDumpWithoutWaiting() throws Exception {
        for (Replay replay : List.of(new Replay(), new BatchReplay())) {
            Dumper dumper = new Dumper(replay, arena, "replay");
            int big = 40 * 1024 / 20; // more than a 32 KB slot
            replay.queue(links(1, new int[big]), done(1));
            assertThatThrownBy(() -> dump(dumper)).isInstanceOf(TornDumpException.class)
                    .hasMessageContaining("did not fit the receive buffer");
            // The slots grew: the same answer now fits.
            replay.queue(links(2, new int[big]), done(2));
            assertThat(dump(dumper)).hasSize(big);
            assertThat(replay.queue).isEmpty();
        }
    }

    @Test
    void aCutDatagramThatHeldTheDoneTearsTheDumpWithoutWaiting() throws Exception {
        for (Replay replay : List.of(new Replay(), new BatchReplay())) {
            Dumper dumper = new Dumper(replay, arena, "replay");
            byte[] cut = links(1, new int[40 * 1024 / 20 + 1]);
            MemorySegment.ofArray(cut).set(Wire.U16, cut.length - 20 + Nlmsg.TYPE, (short) Nlmsg.DONE);
            replay.queue(links(1, 1), cut);
            assertThatThrownBy(() -> dump(dumper)).isInstanceOf(TornDumpException.class);
            assertThat(replay.queue).isEmpty();
        }
    }
}
