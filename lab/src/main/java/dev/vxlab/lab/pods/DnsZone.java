package dev.vxlab.lab.pods;

import dev.vxlab.detectors.addr.Ipv4;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The names a stand-in CoreDNS answers for: one cluster domain (such as {@code cluster1.local}) and the A records
 * inside it. Names are compared case-insensitively and without the trailing dot, as DNS does.
 */
public record DnsZone(String domain, Map<String, Ipv4> addresses) {

    public DnsZone {
        domain = normalize(domain);
        if (domain.isEmpty()) {
            throw new IllegalArgumentException("the cluster domain must not be empty");
        }
        Map<String, Ipv4> copy = new LinkedHashMap<>();
        for (var entry : addresses.entrySet()) {
            String name = normalize(entry.getKey());
            if (!isInside(name, domain)) {
                throw new IllegalArgumentException("'" + entry.getKey() + "' is not inside the cluster domain " + domain);
            }
            copy.put(name, entry.getValue());
        }
        addresses = java.util.Collections.unmodifiableMap(copy);
    }

    public static DnsZone of(String domain, Map<String, Ipv4> addresses) {
        return new DnsZone(domain, addresses);
    }

    /** The two service names every cluster has, as the field cluster resolved them. */
    public static DnsZone kubernetes(String domain, Ipv4 kubernetesService, Ipv4 kubeDnsService) {
        String d = normalize(domain);
        Map<String, Ipv4> records = new LinkedHashMap<>();
        records.put("kubernetes.default.svc." + d, kubernetesService);
        records.put("kube-dns.kube-system.svc." + d, kubeDnsService);
        return new DnsZone(d, records);
    }

    /** This zone plus one more A record (replacing any record of that name). */
    public DnsZone with(String name, Ipv4 address) {
        Map<String, Ipv4> more = new LinkedHashMap<>(addresses);
        more.put(normalize(name), address);
        return new DnsZone(domain, more);
    }

    /** Whether the name is the cluster domain or below it, so this zone is authoritative for it. */
    public boolean covers(String name) {
        return isInside(normalize(name), domain);
    }

    public Optional<Ipv4> address(String name) {
        return Optional.ofNullable(addresses.get(normalize(name)));
    }

    /**
     * Whether the name exists in the zone: it has a record, is the apex, or has records below it (an "empty
     * non-terminal" such as {@code svc.cluster1.local}), which answers NODATA rather than NXDOMAIN.
     */
    public boolean nameExists(String name) {
        String n = normalize(name);
        if (n.equals(domain) || addresses.containsKey(n)) {
            return true;
        }
        return addresses.keySet().stream().anyMatch(owner -> owner.endsWith("." + n));
    }

    static String normalize(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private static boolean isInside(String name, String domain) {
        return name.equals(domain) || name.endsWith("." + domain);
    }
}
