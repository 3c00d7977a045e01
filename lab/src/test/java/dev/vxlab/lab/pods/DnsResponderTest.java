package dev.vxlab.lab.pods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.detectors.addr.Ipv4;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The answers alone, without sockets: what CoreDNS's kubernetes plugin would say for the zone. */
class DnsResponderTest {
    private final DnsZone zone = DnsZone.kubernetes("cluster1.local", Ipv4.parse("10.186.0.1"), Ipv4.parse("10.186.0.2"));
    private final DnsResponder responder = new DnsResponder(zone);

    @Test
    void answersARecordsAuthoritativelyAndCaseInsensitively() throws Exception {
        Message answer = ask("KUBERNETES.default.svc.Cluster1.local.", Type.A);
        assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(answer.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(answer.getHeader().getFlag(Flags.RD)).as("RD is copied from the query").isTrue();
        assertThat(answer.getSection(Section.ANSWER)).singleElement().satisfies(record -> {
            assertThat(((ARecord) record).getAddress().getHostAddress()).isEqualTo("10.186.0.1");
            assertThat(record.getTTL()).isEqualTo(DnsResponder.TTL);
        });
    }

    @Test
    void unknownNamesInTheDomainAreNxdomainWithTheZoneSoa() throws Exception {
        Message answer = ask("nope.default.svc.cluster1.local.", Type.A);
        assertThat(Rcode.string(answer.getRcode())).isEqualTo("NXDOMAIN");
        assertThat(answer.getSection(Section.AUTHORITY)).singleElement().isInstanceOf(SOARecord.class);
    }

    @Test
    void existingNamesWithoutTheTypeAskedForAreNodata() throws Exception {
        assertThat(Rcode.string(ask("kube-dns.kube-system.svc.cluster1.local.", Type.AAAA).getRcode())).isEqualTo("NOERROR");
        Message emptyNonTerminal = ask("svc.cluster1.local.", Type.A);
        assertThat(Rcode.string(emptyNonTerminal.getRcode())).isEqualTo("NOERROR");
        assertThat(emptyNonTerminal.getSection(Section.ANSWER)).isEmpty();
    }

    @Test
    void otherZonesAreRefused() throws Exception {
        Message answer = ask("example.com.", Type.A);
        assertThat(Rcode.string(answer.getRcode())).isEqualTo("REFUSED");
        assertThat(answer.getHeader().getFlag(Flags.AA)).isFalse();
        assertThat(Rcode.string(ask("cluster2.local.", Type.A).getRcode())).isEqualTo("REFUSED");
    }

    @Test
    void garbageWithAHeaderGetsFormerrAndShorterGarbageNothing() throws Exception {
        byte[] garbage = {0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x55};
        Message answer = new Message(responder.answerUdp(garbage));
        assertThat(answer.getHeader().getID()).isEqualTo(0x1234);
        assertThat(answer.getRcode()).isEqualTo(Rcode.FORMERR);
        assertThat(responder.answerUdp(new byte[] {1, 2, 3})).isNull();
    }

    @Test
    void otherOpcodesAreNotImplementedAndResponsesAreIgnored() throws Exception {
        Message notify = query("kubernetes.default.svc.cluster1.local.", Type.A);
        notify.getHeader().setOpcode(Opcode.NOTIFY);
        assertThat(new Message(responder.answerTcp(notify.toWire())).getRcode()).isEqualTo(Rcode.NOTIMP);

        Message response = query("kubernetes.default.svc.cluster1.local.", Type.A);
        response.getHeader().setFlag(Flags.QR);
        assertThat(responder.answerUdp(response.toWire())).as("never answer an answer").isNull();
    }

    @Test
    void zonesRejectNamesOutsideTheirDomain() {
        assertThatThrownBy(() -> zone.with("kubernetes.default.svc.cluster2.local", Ipv4.parse("10.0.0.1")))
                .hasMessageContaining("cluster2.local");
        assertThat(zone.with("metrics.kube-system.svc.cluster1.local.", Ipv4.parse("10.186.0.9"))
                .address("Metrics.kube-system.svc.cluster1.local")).contains(Ipv4.parse("10.186.0.9"));
    }

    private Message ask(String name, int type) throws Exception {
        return new Message(responder.answerUdp(query(name, type).toWire()));
    }

    private static Message query(String name, int type) throws Exception {
        return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
    }
}
