package dev.vxlab.detectors.state;

import dev.vxlab.detectors.addr.Ipv4Prefix;
import java.util.Comparator;
import java.util.Objects;

/**
 * An IPv4 address of a link (RTM_NEWADDR).
 *
 * @param link   ifa_index
 * @param prefix IFA_LOCAL with ifa_prefixlen, host bits kept (10.187.0.1/24 on cni0)
 * @param scope  ifa_scope
 */
public record Address(LinkRef link, Ipv4Prefix prefix, Scope scope) {
    static final Comparator<Address> ORDER = Comparator.comparing(Address::link)
            .thenComparing(a -> a.prefix().address())
            .thenComparingInt(a -> a.prefix().length())
            .thenComparing(Address::scope);

    public Address {
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(scope, "scope");
    }

    @Override
    public String toString() {
        return prefix + " dev " + link + " scope " + scope;
    }
}
