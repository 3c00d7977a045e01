package dev.vxlab.lab.probe;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.netns.NetnsExecutor;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Runs {@link Probe.DnsQuery}: one A query over UDP (connected, so an ICMP port unreachable comes back as REFUSED)
 * or over TCP (two-byte length prefix). NOERROR and NXDOMAIN are answers, so OK; other rcodes are ERROR.
 */
final class DnsQueryRunner {
    private DnsQueryRunner() {}

    static Observation run(Probe.DnsQuery probe, NetnsExecutor netns, Deadline deadline) {
        Message query;
        try {
            query = Message.newQuery(Record.newRecord(Name.fromString(probe.name(), Name.root), Type.A, DClass.IN));
        } catch (TextParseException e) {
            return Observation.of(ProbeOutcome.ERROR, "not a DNS name: " + probe.name());
        }
        InetSocketAddress server = new InetSocketAddress(probe.server().toInetAddress(), probe.port());
        boolean connecting = true;
        try (TimedChannel channel = TimedChannel.of(
                probe.transport() == Probe.DnsQuery.Transport.UDP ? NamespaceSockets.udp(netns) : NamespaceSockets.tcp(netns),
                deadline)) {
            channel.connect(server);
            connecting = false;
            Message response = probe.transport() == Probe.DnsQuery.Transport.UDP
                    ? overUdp(channel, query)
                    : overTcp(channel, query);
            return judge(response);
        } catch (DeadlineExceededException e) {
            return Observation.of(ProbeOutcome.TIMEOUT, connecting
                    ? "no TCP connection within " + deadline.budgetText()
                    : "no answer within " + deadline.budgetText());
        } catch (IOException e) {
            return SocketErrors.classify(e, connecting);
        }
    }

    /** Sends once and skips datagrams that are not the answer to this query (stray or spoofed IDs). */
    private static Message overUdp(TimedChannel channel, Message query) throws IOException {
        channel.writeFully(ByteBuffer.wrap(query.toWire()));
        ByteBuffer datagram = ByteBuffer.allocate(65535);
        while (true) {
            datagram.clear();
            channel.read(datagram);
            Message response = parse(datagram.flip());
            if (response != null && isAnswerTo(response, query)) {
                return response;
            }
        }
    }

    private static Message overTcp(TimedChannel channel, Message query) throws IOException {
        byte[] wire = query.toWire();
        channel.writeFully(ByteBuffer.allocate(2 + wire.length).putShort((short) wire.length).put(wire).flip());
        ByteBuffer length = readFully(channel, ByteBuffer.allocate(2));
        ByteBuffer answer = readFully(channel, ByteBuffer.allocate(length.flip().getShort() & 0xffff));
        Message response = parse(answer.flip());
        if (response == null || !isAnswerTo(response, query)) {
            throw new IOException("the server sent something that is not the answer to this query");
        }
        return response;
    }

    private static ByteBuffer readFully(TimedChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException("the server closed the connection without a complete answer");
            }
        }
        return buffer;
    }

    private static Message parse(ByteBuffer wire) {
        try {
            return new Message(wire);
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean isAnswerTo(Message response, Message query) {
        return response.getHeader().getID() == query.getHeader().getID() && response.getHeader().getFlag(Flags.QR);
    }

    private static Observation judge(Message response) {
        int rcode = response.getRcode();
        List<Ipv4> answers = response.getSection(Section.ANSWER).stream()
                .filter(ARecord.class::isInstance)
                .map(record -> Ipv4.ofBytes(((ARecord) record).getAddress().getAddress()))
                .toList();
        Evidence evidence = new Evidence.Dns(Rcode.string(rcode), answers);
        String detail = Rcode.string(rcode)
                + (answers.isEmpty() ? "" : " " + answers.stream().map(Ipv4::toString).reduce((a, b) -> a + "," + b).orElseThrow())
                + (response.getHeader().getFlag(Flags.TC) ? ", truncated" : "");
        boolean answered = rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN;
        return new Observation(answered ? ProbeOutcome.OK : ProbeOutcome.ERROR, answered ? detail : "rcode " + detail,
                evidence);
    }
}
