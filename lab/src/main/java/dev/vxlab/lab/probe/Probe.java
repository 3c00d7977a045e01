package dev.vxlab.lab.probe;

import dev.vxlab.detectors.addr.Ipv4;

/** One thing to try from a network namespace; {@link #describe()} is the command a person would run instead. */
public sealed interface Probe {

    /** The equivalent command line, for reports: {@code curl http://10.187.1.24:9153/metrics}. */
    String describe();

    /** A TCP handshake and nothing else. */
    record TcpConnect(Ipv4 dst, int port) implements Probe {
        public TcpConnect {
            checkPort(port);
        }

        @Override
        public String describe() {
            return "nc -z " + dst + " " + port;
        }
    }

    /** An HTTP/1.1 GET that reads the whole body and checks it against Content-Length. */
    record HttpGet(Ipv4 dst, int port, String path) implements Probe {
        public HttpGet {
            checkPort(port);
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("an HTTP path starts with '/': " + path);
            }
        }

        /** CoreDNS's metrics endpoint on a pod: {@code curl http://POD:9153/metrics}. */
        public static HttpGet metrics(Ipv4 pod) {
            return new HttpGet(pod, 9153, "/metrics");
        }

        @Override
        public String describe() {
            return "curl http://" + dst + ":" + port + path;
        }
    }

    /** An A query, over UDP or over TCP (two-byte length prefix). */
    record DnsQuery(Ipv4 server, int port, String name, Transport transport) implements Probe {
        public enum Transport { UDP, TCP }

        public DnsQuery {
            checkPort(port);
            if (name.isBlank()) {
                throw new IllegalArgumentException("a DNS query needs a name");
            }
        }

        /** A query to the standard port 53. */
        public DnsQuery(Ipv4 server, String name, Transport transport) {
            this(server, 53, name, transport);
        }

        @Override
        public String describe() {
            return "dig @" + server + (port == 53 ? "" : " -p " + port) + " " + name
                    + (transport == Transport.TCP ? " +tcp" : "");
        }
    }

    private static void checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, not " + port);
        }
    }
}
