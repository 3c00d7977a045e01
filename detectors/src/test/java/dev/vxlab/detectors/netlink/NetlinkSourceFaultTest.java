package dev.vxlab.detectors.netlink;

import dev.vxlab.detectors.testkit.Kernel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.detectors.source.NmFactsSource;
import dev.vxlab.detectors.source.SnapshotException;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.testkit.FlannelNode;
import dev.vxlab.detectors.testkit.StillSnapshots;
import dev.vxlab.detectors.testkit.TestNetns;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The robustness of a snapshot, proven by injecting into real kernel answers the faults that happen rarely on a real
 * node: interrupted dumps, overflows, truncated datagrams, left-over answers, refusals. Each either leads to a clean
 * retake, equal to an undisturbed snapshot, or to one sentence.
 */
@Kernel
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetlinkSourceFaultTest {
    private final TestNetns lab = new TestNetns();
    private Path namespace;
    private NetlinkSource clean;

    @BeforeAll
    void programTheNode() throws Exception {
        namespace = Path.of("/run/netns", FlannelNode.build(lab).node());
        clean = NetlinkSource.open(namespace);
    }

    @AfterAll
    void deleteTheNamespaces() {
        clean.close();
        lab.close();
    }

    /** A snapshot through a socket with the given faults armed, compared with an undisturbed one. */
    private FaultySocket snapshotEqualsUndisturbed(Consumer<FaultySocket> faults) throws Exception {
        FaultySocket[] socket = new FaultySocket[1];
        try (NetlinkSource faulty = NetlinkSource.open(namespace, NmFactsSource.NOT_INSPECTED, true, real -> {
            socket[0] = new FaultySocket(real);
            return socket[0];
        })) {
            faulty.snapshot(); // one undisturbed round first, so STALE has an earlier dump to replay
            faults.accept(socket[0]);
            StillSnapshots still = StillSnapshots.read(clean, faulty);
            assertThat(still.inner().withoutCounters()).isEqualTo(still.before().withoutCounters());
            assertThat(socket[0].allFired()).as("every armed fault fired").isTrue();
        }
        return socket[0];
    }

    @Test
    void anInterruptedDumpIsTakenAgainWithTheWholeSnapshot() throws Exception {
        FaultySocket socket = snapshotEqualsUndisturbed(s -> s.arm(FaultySocket.Kind.INTERRUPT, Rtm.GETADDR));
        assertThat(socket.requests(Rtm.GETLINK)).as("links dumped again too").isGreaterThanOrEqualTo(3);
    }

    @Test
    void anInterruptedFirstPartIsTakenAgainEvenWhenLaterPartsAreClean() throws Exception {
        snapshotEqualsUndisturbed(s -> s.arm(FaultySocket.Kind.INTERRUPT, Rtm.GETLINK));
    }

    @Test
    void anOverflowMidDumpIsTakenAgain() throws Exception {
        snapshotEqualsUndisturbed(s -> s.arm(FaultySocket.Kind.OVERFLOW, Rtm.GETROUTE));
    }

    @Test
    void aTruncatedDatagramThatHeldTheEndIsTakenAgainWithoutWaiting() throws Exception {
        snapshotEqualsUndisturbed(s -> s.arm(FaultySocket.Kind.TRUNCATE_DONE, Rtm.GETNEIGH)
                .arm(FaultySocket.Kind.TRUNCATE_DONE, Rtm.GETLINK));
    }

    @Test
    void answersLeftOverFromAnEarlierDumpAreSkipped() throws Exception {
        snapshotEqualsUndisturbed(s -> s.arm(FaultySocket.Kind.STALE, Rtm.GETLINK)
                .arm(FaultySocket.Kind.STALE, Rtm.GETNETCONF));
    }

    @Test
    void aNamespaceThatNeverHoldsStillIsOneSentence() throws Exception {
        FaultySocket[] socket = new FaultySocket[1];
        try (NetlinkSource faulty = NetlinkSource.open(namespace, NmFactsSource.NOT_INSPECTED, true,
                real -> socket[0] = new FaultySocket(real).alwaysInterrupt(Rtm.GETROUTE))) {
            assertThatThrownBy(faulty::snapshot).isInstanceOf(SnapshotException.class)
                    .hasMessage("network namespace " + namespace + " kept changing while it was dumped ("
                            + NetlinkSource.ATTEMPTS + " attempts; the last failed because the IPv4 route dump "
                            + "(RTM_GETROUTE) is torn: the kernel flagged it as interrupted by a change "
                            + "(NLM_F_DUMP_INTR))");
            assertThat(socket[0].requests(Rtm.GETROUTE)).isEqualTo(NetlinkSource.ATTEMPTS);
        }
    }

    @Test
    void aRefusedDumpIsOneSentenceNamingTheDumpAndTheErrno() throws Exception {
        try (NetlinkSource faulty = NetlinkSource.open(namespace, NmFactsSource.NOT_INSPECTED, true,
                real -> new FaultySocket(real).arm(FaultySocket.Kind.REFUSE, Rtm.GETROUTE, 1))) {
            assertThatThrownBy(faulty::snapshot).isInstanceOf(SnapshotException.class)
                    .hasMessage("the kernel refused the IPv4 route dump (RTM_GETROUTE) in network namespace "
                            + namespace + ": Operation not permitted (errno 1)");
            NodeState next = faulty.snapshot();
            assertThat(next.routes()).as("the socket is still usable").isNotEmpty();
        }
    }

    @Test
    void aDumpThatFailsHalfWayIsOneSentence() throws Exception {
        try (NetlinkSource faulty = NetlinkSource.open(namespace, NmFactsSource.NOT_INSPECTED, true,
                real -> new FaultySocket(real).arm(FaultySocket.Kind.FAIL_DONE, Rtm.GETNEIGH, 12))) {
            assertThatThrownBy(faulty::snapshot).isInstanceOf(SnapshotException.class)
                    .hasMessage("the kernel refused the IPv4 neighbor dump (RTM_GETNEIGH) in network namespace "
                            + namespace + ": Cannot allocate memory (errno 12)");
            assertThat(faulty.snapshot().neighbors()).isNotEmpty();
        }
    }
}
