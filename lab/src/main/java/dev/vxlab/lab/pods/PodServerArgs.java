package dev.vxlab.lab.pods;

import dev.vxlab.detectors.addr.Ipv4;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * What a pod's server process serves, as its command line: {@code --ip 10.187.1.24 --metrics-port 9153
 * [--dns-port 53] --domain cluster1.local --record kubernetes.default.svc.cluster1.local=10.96.0.1 ...}.
 *
 * @param dnsPort present for a CoreDNS pod (DNS on UDP and TCP), empty for an application pod (metrics only)
 */
public record PodServerArgs(Ipv4 ip, OptionalInt dnsPort, int metricsPort, DnsZone zone) {

    /** A CoreDNS pod: DNS on 53 and metrics on 9153. */
    public static PodServerArgs coreDns(Ipv4 ip, DnsZone zone) {
        return new PodServerArgs(ip, OptionalInt.of(DnsServer.PORT), MetricsServer.PORT, zone);
    }

    /** An application pod: metrics on 9153 only. */
    public static PodServerArgs application(Ipv4 ip, DnsZone zone) {
        return new PodServerArgs(ip, OptionalInt.empty(), MetricsServer.PORT, zone);
    }

    public List<String> toArgs() {
        List<String> args = new ArrayList<>(List.of("--ip", ip.toString(), "--metrics-port", Integer.toString(metricsPort)));
        dnsPort.ifPresent(port -> args.addAll(List.of("--dns-port", Integer.toString(port))));
        args.addAll(List.of("--domain", zone.domain()));
        zone.addresses().forEach((name, address) -> args.addAll(List.of("--record", name + "=" + address)));
        return args;
    }

    /** Parses what {@link #toArgs()} wrote; bad input is one sentence in an IllegalArgumentException. */
    public static PodServerArgs parse(List<String> args) {
        Ipv4 ip = null;
        OptionalInt dnsPort = OptionalInt.empty();
        Integer metricsPort = null;
        String domain = null;
        Map<String, Ipv4> records = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i += 2) {
            String option = args.get(i);
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = args.get(i + 1);
            switch (option) {
                case "--ip" -> ip = Ipv4.parse(value);
                case "--dns-port" -> dnsPort = OptionalInt.of(port(value));
                case "--metrics-port" -> metricsPort = port(value);
                case "--domain" -> domain = value;
                case "--record" -> {
                    int eq = value.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("a record is NAME=IP, not '" + value + "'");
                    }
                    records.put(value.substring(0, eq), Ipv4.parse(value.substring(eq + 1)));
                }
                default -> throw new IllegalArgumentException("unknown option '" + option
                        + "' (known: --ip, --dns-port, --metrics-port, --domain, --record)");
            }
        }
        if (ip == null || metricsPort == null || domain == null) {
            throw new IllegalArgumentException("--ip, --metrics-port and --domain are required");
        }
        return new PodServerArgs(ip, dnsPort, metricsPort, DnsZone.of(domain, records));
    }

    private static int port(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // the sentence below says what is wrong
        }
        throw new IllegalArgumentException("a port is 0..65535, not '" + value + "'");
    }
}
