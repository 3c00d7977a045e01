package dev.vxlab.lab.pods;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A pod server process asks itself once over each of its sockets before it says it is ready, as a readiness probe
 * would: a fresh JVM loads the classes of its response paths on that first request, which on a busy machine can
 * take longer than a probe's deadline.
 */
final class ReadinessCheck {
    private static final int WAIT_MILLIS = 10_000;

    private ReadinessCheck() {}

    static void metrics(InetSocketAddress server) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(WAIT_MILLIS);
            socket.connect(server, WAIT_MILLIS);
            socket.getOutputStream().write(("GET /metrics HTTP/1.1\r\nHost: " + server.getHostString()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            byte[] all = in.readAllBytes();
            String head = new String(all, 0, Math.min(all.length, 16), StandardCharsets.ISO_8859_1);
            if (!head.startsWith("HTTP/1.1 200")) {
                throw new IOException("the metrics server on " + server + " answered its own check with '" + head + "'");
            }
        }
    }

    static void dns(InetSocketAddress server, DnsZone zone) throws IOException {
        byte[] query = Message.newQuery(Record.newRecord(Name.fromString(zone.domain() + "."), Type.A, DClass.IN))
                .toWire();
        try (DatagramSocket udp = new DatagramSocket()) {
            udp.setSoTimeout(WAIT_MILLIS);
            udp.connect(server);
            udp.send(new DatagramPacket(query, query.length));
            udp.receive(new DatagramPacket(new byte[512], 512));
        }
        try (Socket tcp = new Socket()) {
            tcp.setSoTimeout(WAIT_MILLIS);
            tcp.connect(server, WAIT_MILLIS);
            byte[] framed = new byte[query.length + 2];
            framed[0] = (byte) (query.length >>> 8);
            framed[1] = (byte) query.length;
            System.arraycopy(query, 0, framed, 2, query.length);
            tcp.getOutputStream().write(framed);
            if (tcp.getInputStream().readNBytes(2).length < 2) {
                throw new IOException("the DNS server on " + server + " closed TCP without answering its own check");
            }
        }
    }
}
