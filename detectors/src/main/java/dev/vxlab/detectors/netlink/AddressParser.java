package dev.vxlab.detectors.netlink;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.state.Address;
import dev.vxlab.detectors.state.Scope;
import java.lang.foreign.MemorySegment;
import java.util.List;

/** Reads RTM_NEWADDR answers of family AF_INET (struct ifaddrmsg + IFA_* attributes). */
final class AddressParser implements MessageHandler {
    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;

    /** struct ifaddrmsg: family u8, prefixlen u8, flags u8, scope u8, index u32. */
    static final int IFA_FAMILY = 0;
    static final int IFA_PREFIXLEN = 1;
    private static final int IFA_SCOPE = 3;
    static final int IFA_INDEX = 4;
    static final int IFADDRMSG_SIZE = 8;

    private final Attributes attrs = new Attributes(IFA_LOCAL);
    private final RecordCache<Address> kept = new RecordCache<>();
    private LinkTable links;
    /** Whether the last dump named devices from this table too: its records then name the right ones. */
    private boolean sameNames;

    /** Starts a dump whose devices are named from the table. */
    void reset(LinkTable table) {
        sameNames = table == links;
        links = table;
        kept.begin();
    }

    List<Address> addresses() {
        return kept.records();
    }

    RecordCache<Address> kept() {
        return kept;
    }

    @Override
    public void accept(MemorySegment m, long message, long end) throws TornDumpException {
        long ifa = message + Nlmsg.HDRLEN;
        if (Wire.u8(m, ifa + IFA_FAMILY) != Nlmsg.AF_INET) {
            return;
        }
        attrs.parse(m, ifa + IFADDRMSG_SIZE, end);
        // IFA_LOCAL is the interface's own address; IFA_ADDRESS is the peer's on point-to-point links.
        int key = attrs.isIpv4(IFA_LOCAL) ? IFA_LOCAL : IFA_ADDRESS;
        if (!attrs.isIpv4(key)) {
            return;
        }
        int index = Wire.i32(m, ifa + IFA_INDEX);
        // IFA_CACHEINFO is left out of the key: a dynamic address's lifetimes count down.
        kept.key().bytes(m, ifa, IFADDRMSG_SIZE).attribute(attrs, IFA_LOCAL).attribute(attrs, IFA_ADDRESS);
        Address last = kept.previous();
        kept.keep(last != null && (sameNames || last.link() == links.ref(index)) ? last
                : new Address(links.require(index, "an IPv4 address"),
                        new Ipv4Prefix(new Ipv4(attrs.ipv4(key)), Wire.u8(m, ifa + IFA_PREFIXLEN)),
                        Scope.of(Wire.u8(m, ifa + IFA_SCOPE))));
    }
}
