package dev.vxlab.detectors.model;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.firewall.Evaluator;
import dev.vxlab.detectors.model.Hop.Step;
import dev.vxlab.detectors.model.Verdict.Cause;
import dev.vxlab.detectors.state.FdbEntry;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.Neighbor;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.state.VxlanInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * Walks one packet through the namespaces the way the kernel would: output route lookup and source selection, MTU,
 * neighbor, then the device (VXLAN encapsulation and the underlay, a bridge, a veth), then on the receiving side the
 * MAC check, the input route lookup, forwarding and reverse-path checks, until a socket takes it or something drops
 * it. One walk per packet; not thread-safe.
 */
final class PacketWalk {
    /** The slack a receiving device allows over its MTU: one 802.1Q tag. */
    static final int VLAN_TAG = 4;

    /** Enough for any sane path; a routing loop between nodes ends on TTL first. */
    private static final int MAX_TRANSMISSIONS = 256;

    private final Topology topology;
    private final List<Hop> hops;
    private int transmissions;
    private Ipv4 chosenSource;

    private PacketWalk(Topology topology, boolean record) {
        this.topology = topology;
        this.hops = record ? new ArrayList<>() : null;
    }

    /** Traces the packet from the namespace; without {@code record} the hops are not kept (only the verdict). */
    static Trace trace(Topology topology, Namespace origin, Packet packet, boolean record) {
        PacketWalk walk = new PacketWalk(topology, record);
        Verdict verdict = walk.originate(origin, InFlight.of(packet));
        return new Trace(origin.key(), packet, Optional.ofNullable(walk.chosenSource),
                record ? walk.hops : List.of(), verdict);
    }

    private void hop(Namespace ns, Step step, String device, Supplier<String> text) {
        if (hops != null) {
            hops.add(new Hop(ns.key(), step, device, text.get()));
        }
    }

    // ---- sending ---------------------------------------------------------------------------------------------------

    /** A packet a socket (or the VXLAN device) of this namespace sends. */
    private Verdict originate(Namespace ns, InFlight packet) {
        Optional<Route> found = ns.route(packet.dst());
        if (found.isEmpty()) {
            return new Verdict.Dropped(ns.key(), "", Cause.NO_ROUTE, "no route to " + packet.dst());
        }
        Route route = found.get();
        return switch (route.type()) {
            case LOCAL -> {
                Ipv4 src = packet.src().or(route::prefsrc).orElse(packet.dst());
                remember(src);
                hop(ns, Step.ROUTE, "lo", () -> Routing.text(route));
                yield deliverLocally(ns, ns.link("lo").orElse(null), packet.withSource(src));
            }
            case UNICAST -> {
                Link dev = ns.link(route.dev().orElseThrow()).orElseThrow();
                Ipv4 nextHop = Routing.nextHop(route, packet.dst());
                Optional<Ipv4> src = packet.src().or(() -> Routing.source(ns, route, dev, nextHop));
                if (src.isEmpty()) {
                    yield new Verdict.Dropped(ns.key(), dev.name(), Cause.NO_SOURCE, "no address to send from on "
                            + dev.name() + " (route " + Routing.text(route) + ")");
                }
                remember(src.get());
                hop(ns, Step.ROUTE, dev.name(), () -> Routing.text(route)
                        + (route.prefsrc().isEmpty() ? " src " + src.get() : ""));
                yield send(ns, dev, nextHop, packet.withSource(src.get()), false);
            }
            default -> unroutable(ns, route, packet);
        };
    }

    private void remember(Ipv4 src) {
        if (chosenSource == null) {
            chosenSource = src;
        }
    }

    private static Verdict unroutable(Namespace ns, Route route, InFlight packet) {
        if (route.type() == Route.Type.BROADCAST || route.type() == Route.Type.MULTICAST
                || route.type() == Route.Type.ANYCAST) {
            return new Verdict.Dropped(ns.key(), route.dev().map(d -> d.name()).orElse(""), Cause.BROADCAST,
                    packet.dst() + " is a " + route.type().name().toLowerCase(java.util.Locale.ROOT)
                            + " address here (" + Routing.text(route) + "): TCP does not connect to it");
        }
        return new Verdict.Dropped(ns.key(), "", Cause.NO_ROUTE, "route " + Routing.text(route) + " refuses "
                + packet.dst());
    }

    /** The MTU check, then the device. Locally sent packets and forwarded ones are checked alike. */
    private Verdict send(Namespace ns, Link dev, Ipv4 nextHop, InFlight packet, boolean forwarded) {
        if (packet.size() > dev.mtu()) {
            if (packet.df()) {
                String told = forwarded ? "ICMP frag-needed (mtu " + dev.mtu() + ") goes back to " + packet.source()
                        : "the sender is told mtu " + dev.mtu();
                return new Verdict.Dropped(ns.key(), dev.name(), Cause.TOO_BIG, packet.size() + "-byte packet with DF"
                        + " does not fit " + dev.name() + " (mtu " + dev.mtu() + "); " + told, OptionalInt.of(dev.mtu()));
            }
            InFlight whole = packet;
            hop(ns, Step.CHECK, dev.name(), () -> whole.size() + "-byte packet fragmented to fit " + dev.name()
                    + " (mtu " + dev.mtu() + ")"
                    + (whole.vxlan().isPresent() ? ": VXLAN leaves DF clear on the outer header" : ""));
            return transmit(ns, dev, nextHop, packet.withSize(dev.mtu()));
        }
        return transmit(ns, dev, nextHop, packet);
    }

    private Verdict transmit(Namespace ns, Link dev, Ipv4 nextHop, InFlight packet) {
        if (++transmissions > MAX_TRANSMISSIONS) {
            return new Verdict.Dropped(ns.key(), dev.name(), Cause.LOOP, "the packet went round in circles");
        }
        if (!dev.isUp()) {
            return new Verdict.Dropped(ns.key(), dev.name(), Cause.LINK_DOWN, dev.name() + " is down");
        }
        if (!Topology.hasCarrier(dev)) {
            return new Verdict.Dropped(ns.key(), dev.name(), Cause.NO_CARRIER, dev.name() + " has no carrier"
                    + (dev.isKind("bridge") ? " (no port of it is up)" : dev.isKind("veth") ? " (its peer is down)" : ""));
        }
        if (dev.isLoopback()) {
            return receive(ns, dev, packet);
        }
        if (dev.isKind("vxlan")) {
            return encapsulate(ns, dev, nextHop, packet);
        }
        Segment segment = topology.segmentOf(ns, dev);
        if (segment instanceof Segment.Closed closed) {
            return closed.why();
        }
        Optional<MacAddress> mac = resolve(ns, dev, nextHop, segment);
        if (mac.isEmpty()) {
            return segment.unresolved(ns, dev, nextHop);
        }
        Optional<Receiver> receiver = segment.accepting(mac.get());
        if (receiver.isEmpty()) {
            return segment.missed(ns, dev, mac.get(), nextHop);
        }
        Receiver rx = receiver.get();
        hop(ns, Step.WIRE, dev.name(), rx::path);
        Optional<Verdict.Dropped> bridged = bridgedFilter(ns, segment, rx, packet);
        if (bridged.isPresent()) {
            return bridged.get();
        }
        // A veth checks a received frame against its MTU, allowing a VLAN tag (is_skb_forwardable: mtu + header + 4).
        // A NIC's driver decides for itself: virtio-net (the arm64 VMs' underlay) takes larger frames.
        if (rx.wire() && enforcesReceiveMtu(rx.link()) && packet.size() > rx.link().mtu() + VLAN_TAG) {
            return new Verdict.Dropped(rx.ns().key(), rx.link().name(), Cause.FRAME_TOO_BIG, packet.size()
                    + "-byte frame from " + ns.key() + " does not fit " + rx.describe() + " (mtu " + rx.link().mtu()
                    + "); no ICMP tells the sender");
        }
        return receive(rx.ns(), rx.link(), packet);
    }

    /** Devices whose receive path drops frames larger than their MTU: veths (dev_forward_skb). */
    static boolean enforcesReceiveMtu(Link link) {
        return link.kind().filter("veth"::equals).isPresent();
    }

    /** The next hop's MAC: a usable neighbor entry, else ARP on the segment (answered by whoever owns the address). */
    private Optional<MacAddress> resolve(Namespace ns, Link dev, Ipv4 nextHop, Segment segment) {
        Optional<Neighbor> cached = ns.neighbor(dev, nextHop).filter(Routing::usable);
        if (cached.isPresent()) {
            hop(ns, Step.NEIGHBOR, dev.name(), () -> Routing.text(cached.get()));
            return cached.get().mac();
        }
        Optional<Receiver> owner = segment.answering(nextHop);
        if (owner.isEmpty() || owner.get().link().mac().isEmpty()) {
            return Optional.empty();
        }
        MacAddress mac = owner.get().link().mac().get();
        hop(ns, Step.NEIGHBOR, dev.name(), () -> "arp " + nextHop + " is-at " + mac + " (" + owner.get().describe()
                + "; no usable entry was cached)");
        return Optional.of(mac);
    }

    // ---- VXLAN -----------------------------------------------------------------------------------------------------

    private Verdict encapsulate(Namespace ns, Link vx, Ipv4 nextHop, InFlight inner) {
        VxlanInfo info = Vxlan.info(vx);
        MacAddress mac;
        Optional<Neighbor> cached = ns.neighbor(vx, nextHop).filter(Routing::usable);
        if (cached.isPresent()) {
            hop(ns, Step.NEIGHBOR, vx.name(), () -> Routing.text(cached.get()));
            mac = cached.get().mac().orElseThrow();
        } else {
            Optional<Vxlan.Flooded> flooded = Vxlan.resolveByFlood(topology, ns, vx, nextHop);
            if (flooded.isEmpty()) {
                return new Verdict.Dropped(ns.key(), vx.name(), Cause.NO_NEIGHBOR, "no neighbor for " + nextHop + " on "
                        + vx.name() + (info.learning()
                        ? ", and no all-zeros FDB entry to flood ARP through"
                        : ": a nolearning VXLAN device has no way to resolve it (flanneld programs these entries)"));
            }
            hop(ns, Step.NEIGHBOR, vx.name(), () -> flooded.get().text());
            mac = flooded.get().mac();
        }
        Optional<FdbEntry> entry = Vxlan.entryFor(ns, vx, mac);
        if (entry.isEmpty()) {
            return new Verdict.Dropped(ns.key(), vx.name(), Cause.NO_FDB, "no FDB entry for " + mac + " on " + vx.name()
                    + ": no VTEP to send it to");
        }
        Ipv4 remote = entry.get().dst().orElseThrow();
        hop(ns, Step.FDB, vx.name(), () -> mac + " dst " + remote
                + (entry.get().mac().equals(Vxlan.FLOOD) ? " (all-zeros default entry)" : ""));
        InFlight outer = new InFlight(info.local(), remote, inner.size() + Vxlan.OVERHEAD, false, InFlight.DEFAULT_TTL,
                Optional.of(new InFlight.VxlanFrame(vx.mac(), mac, info.vni(), info.port(), inner)), true);
        hop(ns, Step.ENCAPSULATE, vx.name(), () -> "encapsulate to " + remote + ":" + info.port() + " vni " + info.vni()
                + " (" + outer.size() + " bytes)");
        return originate(ns, outer);
    }

    private Verdict decapsulate(Namespace ns, InFlight outer) {
        InFlight.VxlanFrame frame = outer.vxlan().orElseThrow();
        Optional<Link> listener = Vxlan.listener(ns, frame, outer.dst(), true);
        if (listener.isEmpty()) {
            Optional<Link> down = Vxlan.listener(ns, frame, outer.dst(), false);
            return new Verdict.Dropped(ns.key(), down.map(Link::name).orElse(""), Cause.NO_VTEP, down
                    .map(d -> ns.key() + "'s " + d.name() + " is down: nothing listens on UDP " + frame.port()
                            + " for vni " + frame.vni())
                    .orElse("no VXLAN device of vni " + frame.vni() + " on UDP " + frame.port() + " at " + outer.dst()
                            + " on " + ns.key()));
        }
        Link vx = listener.get();
        hop(ns, Step.DECAPSULATE, vx.name(), () -> "vni " + frame.vni() + " from " + outer.source() + ", inner frame to "
                + frame.dstMac());
        MacAddress own = vx.mac().orElse(null);
        // vxlan_set_mac: a frame whose inner source MAC is the device's own is taken for a loop and dropped, before
        // the destination is looked at (two nodes sharing one VtepMAC: cloned images).
        if (own != null && frame.srcMac().filter(own::equals).isPresent()) {
            return new Verdict.Dropped(ns.key(), vx.name(), Cause.OWN_SOURCE_MAC, "inner source MAC " + own + " is "
                    + ns.key() + "'s own " + vx.name() + " MAC: the kernel takes it for a loop (two VTEPs share a MAC)");
        }
        if (!frame.dstMac().equals(own)) {
            return new Verdict.Dropped(ns.key(), vx.name(), Cause.OTHERHOST, "sent to VTEP MAC " + frame.dstMac()
                    + " but " + ns.key() + "'s " + vx.name() + " is " + (own == null ? "without a MAC" : own));
        }
        return receive(ns, vx, frame.inner());
    }

    // ---- receiving -------------------------------------------------------------------------------------------------

    /** A packet the device took off the wire (its MAC matched): input route lookup, then local delivery or forward. */
    private Verdict receive(Namespace ns, Link in, InFlight packet) {
        Optional<Route> found = ns.route(packet.dst());
        if (found.isEmpty()) {
            return new Verdict.Dropped(ns.key(), in.name(), Cause.NO_ROUTE, "no route to " + packet.dst());
        }
        Route route = found.get();
        switch (route.type()) {
            case LOCAL -> {
                Optional<Verdict.Dropped> rejected = ReversePath.check(ns, in, packet.source());
                if (rejected.isPresent()) {
                    return rejected.get();
                }
                hop(ns, Step.ROUTE, in.name(), () -> Routing.text(route));
                Optional<Verdict.Dropped> filtered = filter(ns, Evaluator.Packet.input(in.name(), packet.source(),
                        packet.dst(), protocol(packet), port(packet)), packet, in.name());
                if (filtered.isPresent()) {
                    return filtered.get();
                }
                return deliverLocally(ns, in, packet);
            }
            case UNICAST -> {
                return forward(ns, in, route, packet);
            }
            default -> {
                return unroutable(ns, route, packet);
            }
        }
    }

    private Verdict forward(Namespace ns, Link in, Route route, InFlight packet) {
        Link out = ns.link(route.dev().orElseThrow()).orElseThrow();
        if (!ns.sysctls().ipForward()) {
            return new Verdict.Dropped(ns.key(), in.name(), Cause.FORWARDING_OFF, "net.ipv4.ip_forward=0: " + ns.key()
                    + " does not forward " + packet.dst() + " from " + in.name() + " to " + out.name());
        }
        Optional<Verdict.Dropped> rejected = ReversePath.check(ns, in, packet.source());
        if (rejected.isPresent()) {
            return rejected.get();
        }
        if (packet.ttl() <= 1) {
            return new Verdict.Dropped(ns.key(), in.name(), Cause.LOOP, "TTL exceeded forwarding " + packet.dst());
        }
        Optional<Verdict.Dropped> filtered = filter(ns, Evaluator.Packet.forward(in.name(), out.name(),
                packet.source(), packet.dst(), protocol(packet), port(packet)), packet, in.name());
        if (filtered.isPresent()) {
            return filtered.get();
        }
        hop(ns, Step.ROUTE, out.name(), () -> "forward from " + in.name() + ": " + Routing.text(route));
        return send(ns, out, Routing.nextHop(route, packet.dst()), packet.forwarded(), true);
    }

    private Verdict deliverLocally(Namespace ns, Link in, InFlight packet) {
        if (packet.vxlan().isPresent()) {
            return decapsulate(ns, packet);
        }
        hop(ns, Step.DELIVER, in == null ? "" : in.name(), () -> "to a socket of " + ns.key() + " on " + packet.dst());
        return new Verdict.Delivered(ns.key(), packet.dst());
    }

    // ---- the packet filter -----------------------------------------------------------------------------------------

    /** UDP for VXLAN's outer packets, else TCP (the model plays TCP conversations). */
    private static String protocol(InFlight packet) {
        return packet.vxlan().isPresent() ? "udp" : "tcp";
    }

    /** VXLAN's port for an outer packet; a conversation's port is not known to the model. */
    private static int port(InFlight packet) {
        return packet.vxlan().map(InFlight.VxlanFrame::port).orElse(Evaluator.Packet.UNKNOWN_PORT);
    }

    /**
     * The node's nftables verdict at the hooks the packet passes (input for local delivery, forward for what it
     * routes on). A drop ends the walk; a verdict the evaluator cannot tell is noted and taken as passing (the doctor
     * names it as firewall-unevaluated).
     */
    private Optional<Verdict.Dropped> filter(Namespace ns, Evaluator.Packet question, InFlight packet, String device) {
        if (!ns.firewall().inspected() || ns.firewall().chains().isEmpty()) {
            return Optional.empty();
        }
        Evaluator.Verdict verdict = Evaluator.evaluate(ns.firewall(), packet.opens() ? question
                : question.withCtState("established"));
        if (verdict.dropped()) {
            return Optional.of(new Verdict.Dropped(ns.key(), device, Cause.FILTERED, question.describe()
                    + " meets " + verdict.where()));
        }
        if (verdict.unknown()) {
            hop(ns, Step.CHECK, device, () -> "firewall: cannot tell what " + question.describe() + " meets at "
                    + verdict.where() + " (taken as passing)");
        }
        return Optional.empty();
    }

    /**
     * A frame a bridge forwards from one port to another (pod to pod on a node) passes the ip family's forward hooks
     * too where bridge-nf-call-iptables is 1 (br_netfilter), with the bridge as in- and output device.
     */
    private Optional<Verdict.Dropped> bridgedFilter(Namespace sender, Segment segment, Receiver rx, InFlight packet) {
        if (!(segment instanceof Segment.Local local) || local.direct() || packet.vxlan().isPresent()
                || sender.key().equals(local.node()) || rx.ns().key().equals(local.node())) {
            return Optional.empty();
        }
        Optional<Namespace> bridgeNs = topology.namespace(local.node());
        if (bridgeNs.isEmpty() || !bridgeNs.get().firewall().bridgeFiltered()) {
            return Optional.empty();
        }
        return filter(bridgeNs.get(), Evaluator.Packet.forward(local.device(), local.device(), packet.source(),
                packet.dst(), protocol(packet), port(packet)), packet, local.device());
    }
}
