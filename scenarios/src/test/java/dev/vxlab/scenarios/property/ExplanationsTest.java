package dev.vxlab.scenarios.property;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.model.Exchange;
import dev.vxlab.detectors.model.Hop;
import dev.vxlab.detectors.model.Packet;
import dev.vxlab.detectors.model.Trace;
import dev.vxlab.detectors.model.Transfer;
import dev.vxlab.detectors.model.Verdict;
import dev.vxlab.detectors.spi.FaultIds;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.Severity;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which findings account for a failed conversation (property 2's judge): on a node of the conversation's own path,
 * and of a fault that can cause what the model says happened. The bounds: a wrong peer route explains only
 * route-shaped drops, a failure without a drop only a fault that moves routes or addresses, an unknown id nothing.
 */
class ExplanationsTest {
    private static final Ipv4 CLIENT = Ipv4.parse("10.187.0.0");
    private static final Ipv4 SERVER = Ipv4.parse("10.187.1.2");

    /** Node a's SYN, delivered to app@b, whose SYN-ACK ends as the verdict says (on the way through node c's hop). */
    private static Exchange failed(Verdict synAck) {
        Trace syn = new Trace("a", Packet.syn(SERVER), Optional.of(CLIENT),
                List.of(new Hop("a", Hop.Step.ROUTE, "flannel.1", "route"), new Hop("b", Hop.Step.DELIVER, "eth0", "in")),
                new Verdict.Delivered("app@b", SERVER));
        Trace back = new Trace("app@b", new Packet("SYN-ACK", Optional.of(SERVER), CLIENT, Packet.TCP_HANDSHAKE_SIZE,
                true), Optional.of(SERVER), List.of(new Hop("c", Hop.Step.WIRE, "eth0", "via c")), synAck);
        return new Exchange("a", SERVER, Transfer.LARGE_REPLY, List.of(syn, back), false);
    }

    private static Exchange droppedOnA(Verdict.Cause cause) {
        return failed(new Verdict.Dropped("a", "flannel.1", cause, "what was wrong", OptionalInt.empty()));
    }

    private static Finding finding(String fault, String node) {
        return new Finding(fault, node, "flannel.1", "expected", "actual", "summary", Severity.CRITICAL, List.of());
    }

    private static boolean explains(Exchange exchange, Finding finding) {
        return !Explanations.explaining(exchange, List.of(finding)).isEmpty();
    }

    @Test
    void aFindingOnThePathOfTheRightKindExplainsItsDrop() {
        assertThat(explains(droppedOnA(Verdict.Cause.OTHERHOST), finding(FaultIds.VTEP_MAC_DRIFT, "a"))).isTrue();
        assertThat(explains(droppedOnA(Verdict.Cause.OTHERHOST), finding(FaultIds.VTEP_MAC_DRIFT, "c")))
                .as("c forwarded the SYN-ACK: on the path").isTrue();
        assertThat(explains(droppedOnA(Verdict.Cause.OTHERHOST), finding(FaultIds.VTEP_MAC_DRIFT, "d")))
                .as("not on the path").isFalse();
        assertThat(explains(droppedOnA(Verdict.Cause.NO_FDB), finding(FaultIds.VTEP_MAC_DRIFT, "a")))
                .as("a drifted MAC does not empty the FDB").isFalse();
        Finding info = new Finding(FaultIds.VTEP_MAC_DRIFT, "a", "flannel.1", "e", "a", "s", Severity.RISK, List.of());
        assertThat(explains(droppedOnA(Verdict.Cause.OTHERHOST), info)).as("a risk impairs nothing").isFalse();
    }

    @Test
    void aFilterDropIsExplainedByTheFirewallsFindingsOnly() {
        for (String firewall : List.of(FaultIds.FIREWALL_DROPS_VXLAN, FaultIds.FIREWALL_DROPS_POD_FORWARDING,
                FaultIds.FIREWALL_UNEVALUATED)) {
            assertThat(explains(droppedOnA(Verdict.Cause.FILTERED), finding(firewall, "a"))).as(firewall).isTrue();
            assertThat(explains(droppedOnA(Verdict.Cause.OTHERHOST), finding(firewall, "a"))).as(firewall).isFalse();
        }
        assertThat(explains(droppedOnA(Verdict.Cause.FILTERED), finding(FaultIds.IP_FORWARD_DISABLED, "a"))).isFalse();
    }

    @Test
    void aWrongPeerRouteExplainsOnlyRouteShapedDrops() {
        for (Verdict.Cause routing : List.of(Verdict.Cause.NO_ROUTE, Verdict.Cause.OUTSIDE_MODEL,
                Verdict.Cause.SOURCE_REJECTED, Verdict.Cause.LOOP, Verdict.Cause.NO_NEIGHBOR)) {
            assertThat(explains(droppedOnA(routing), finding(FaultIds.WRONG_PEER_ROUTE, "a"))).as(routing.name())
                    .isTrue();
        }
        for (Verdict.Cause other : List.of(Verdict.Cause.OTHERHOST, Verdict.Cause.FRAME_TOO_BIG, Verdict.Cause.TOO_BIG,
                Verdict.Cause.FORWARDING_OFF, Verdict.Cause.NO_FDB, Verdict.Cause.NO_VTEP, Verdict.Cause.LINK_DOWN)) {
            assertThat(explains(droppedOnA(other), finding(FaultIds.WRONG_PEER_ROUTE, "a"))).as(other.name())
                    .isFalse();
        }
    }

    @Test
    void aFailureWithoutADropIsExplainedOnlyByAFaultThatMovesRoutesOrAddressesOnItsPath() {
        // The SYN-ACK reached node c's own socket, not node a that waits for it: no drop anywhere.
        Exchange misdelivered = failed(new Verdict.Delivered("c", CLIENT));
        assertThat(Explanations.drop(misdelivered)).isEmpty();

        assertThat(explains(misdelivered, finding(FaultIds.MISSING_PEER_ROUTE, "c"))).isTrue();
        assertThat(explains(misdelivered, finding(FaultIds.VTEP_ADDRESS_MISSING, "a"))).isTrue();
        assertThat(explains(misdelivered, finding(FaultIds.WRONG_PEER_ROUTE, "b"))).isTrue();
        assertThat(explains(misdelivered, finding(FaultIds.MISSING_PEER_ROUTE, "d"))).as("not on its path").isFalse();
        for (String cannot : List.of(FaultIds.VTEP_MAC_DRIFT, FaultIds.MTU_MISMATCH, FaultIds.IP_FORWARD_DISABLED,
                FaultIds.MISSING_PEER_FDB, FaultIds.OTHERHOST_DROPS, FaultIds.RP_FILTER_STRICT)) {
            assertThat(explains(misdelivered, finding(cannot, "a"))).as(cannot + " delivers nothing elsewhere")
                    .isFalse();
        }
    }

    @Test
    void anUnknownFaultIdExplainsNothing() {
        assertThat(Explanations.causes("a-fault-nobody-listed")).isEmpty();
        for (Verdict.Cause cause : Verdict.Cause.values()) {
            assertThat(explains(droppedOnA(cause), finding("a-fault-nobody-listed", "a"))).as(cause.name()).isFalse();
        }
        assertThat(explains(failed(new Verdict.Delivered("c", CLIENT)), finding("a-fault-nobody-listed", "a")))
                .isFalse();
    }

    @Test
    void everyFaultIdTheDoctorUsesIsInTheTable() throws Exception {
        for (var field : FaultIds.class.getFields()) {
            if (field.getType() == String.class && java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
                String id = (String) field.get(null);
                // nm-manages-cni-devices and udev-mac-policy are risks: they drop nothing by themselves (the drop
                // udev's policy causes is vtep-mac-drift's). A missing masquerade breaks traffic leaving the pod
                // network, which no probe measures and the model (no NAT) does not play.
                if (!Set.of(FaultIds.NM_MANAGES_CNI_DEVICES, FaultIds.UDEV_MAC_POLICY, FaultIds.MASQUERADE_MISSING)
                        .contains(id)) {
                    assertThat(Explanations.causes(id)).as(id + " accounts for some drop").isNotEmpty();
                }
            }
        }
    }
}
