package dev.vxlab.lab.pods;

import dev.vxlab.detectors.addr.Ipv4;
import java.io.IOException;
import java.util.Optional;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** Turns one DNS query (wire format) into the answer CoreDNS's kubernetes plugin would give for the zone. */
final class DnsResponder {
    /** CoreDNS's kubernetes plugin answers with a 30 s TTL by default. */
    static final long TTL = 30;
    /** The size every DNS client accepts over UDP without EDNS (RFC 1035). */
    static final int CLASSIC_UDP_LIMIT = 512;
    private static final int EDNS_PAYLOAD = 1232;

    private final DnsZone zone;
    private final SOARecord soa;

    DnsResponder(DnsZone zone) {
        this.zone = zone;
        try {
            Name origin = Name.fromString(zone.domain() + ".");
            // The same shape CoreDNS puts in the authority section of NXDOMAIN and NODATA answers.
            this.soa = new SOARecord(origin, DClass.IN, TTL, Name.fromString("ns.dns." + zone.domain() + "."),
                    Name.fromString("hostmaster." + zone.domain() + "."), 1, 7200, 1800, 86400, TTL);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS domain: " + zone.domain(), e);
        }
    }

    /** The answer over UDP: at most 512 bytes, or the client's EDNS size; larger answers are truncated (TC). */
    byte[] answerUdp(byte[] query) {
        return answer(query, true);
    }

    /** The answer over TCP, where size is not limited. */
    byte[] answerTcp(byte[] query) {
        return answer(query, false);
    }

    /** Returns null when the bytes are not worth an answer (not even a DNS header, or a response). */
    private byte[] answer(byte[] query, boolean udp) {
        Message request;
        try {
            request = new Message(query);
        } catch (IOException e) {
            return query.length >= Header.LENGTH ? formatError(query) : null;
        }
        if (request.getHeader().getFlag(Flags.QR)) {
            return null;
        }
        Message response = respond(request);
        int limit = Message.MAXLENGTH;
        if (udp) {
            OPTRecord opt = request.getOPT();
            limit = opt == null ? CLASSIC_UDP_LIMIT : Math.max(CLASSIC_UDP_LIMIT, opt.getPayloadSize());
        }
        return response.toWire(limit);
    }

    private Message respond(Message request) {
        Header in = request.getHeader();
        Message response = new Message(in.getID());
        Header out = response.getHeader();
        out.setFlag(Flags.QR);
        out.setFlag(Flags.RA);
        if (in.getFlag(Flags.RD)) {
            out.setFlag(Flags.RD);
        }
        if (request.getOPT() != null) {
            response.addRecord(new OPTRecord(EDNS_PAYLOAD, 0, 0), Section.ADDITIONAL);
        }
        Record question = request.getQuestion();
        if (in.getOpcode() != Opcode.QUERY) {
            out.setRcode(Rcode.NOTIMP);
            return response;
        }
        if (question == null) {
            out.setRcode(Rcode.FORMERR);
            return response;
        }
        response.addRecord(question, Section.QUESTION);
        String name = question.getName().toString(true);
        if (question.getDClass() != DClass.IN || !zone.covers(name)) {
            out.setRcode(Rcode.REFUSED); // stands in for CoreDNS's forwarder, which the lab does not have
            return response;
        }
        out.setFlag(Flags.AA);
        Optional<Ipv4> address = zone.address(name);
        boolean wantsA = question.getType() == Type.A || question.getType() == Type.ANY;
        if (address.isPresent() && wantsA) {
            response.addRecord(new ARecord(question.getName(), DClass.IN, TTL, address.get().toBytes()),
                    Section.ANSWER);
            return response;
        }
        out.setRcode(zone.nameExists(name) ? Rcode.NOERROR : Rcode.NXDOMAIN);
        response.addRecord(soa, Section.AUTHORITY);
        return response;
    }

    /** FORMERR echoing the query's ID, so a client with a garbled query does not wait for its timeout. */
    private static byte[] formatError(byte[] query) {
        int id = ((query[0] & 0xff) << 8) | (query[1] & 0xff);
        Message response = new Message(id);
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setRcode(Rcode.FORMERR);
        return response.toWire();
    }
}
