package dev.vxlab.detectors.model;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.state.Link;
import java.util.List;
import java.util.Optional;

/** Where a frame sent out of one device can arrive, as far as the snapshots tell. */
sealed interface Segment {

    /**
     * The receiver that answers ARP for the address. Linux answers for any address of its namespace on any device
     * (arp_ignore=0, the default), so "owns the address" is the namespace's local table, not the device's addresses.
     */
    Optional<Receiver> answering(Ipv4 ip);

    /** The receiver a frame to the MAC ends at. */
    Optional<Receiver> accepting(MacAddress mac);

    /** The drop when nobody answers ARP for the next hop. */
    Verdict.Dropped unresolved(Namespace sender, Link out, Ipv4 nextHop);

    /** The drop when no receiver takes a frame to the MAC. */
    Verdict.Dropped missed(Namespace sender, Link out, MacAddress mac, Ipv4 nextHop);

    /**
     * A veth or a bridge inside the cluster: a short list of receivers.
     *
     * @param node   the namespace of the bridge, or of the veth's peer
     * @param device the bridge, or the veth peer
     * @param direct one L3 peer and no bridge in between: a frame for another MAC is dropped there as otherhost
     */
    record Local(List<Receiver> receivers, String node, String device, boolean direct) implements Segment {
        public Optional<Receiver> answering(Ipv4 ip) {
            for (Receiver r : receivers) {
                if (!r.link().has(Link.Flag.NOARP) && r.ns().isLocal(ip)) {
                    return Optional.of(r);
                }
            }
            return Optional.empty();
        }

        public Optional<Receiver> accepting(MacAddress mac) {
            for (Receiver r : receivers) {
                if (r.accepts().contains(mac)) {
                    return Optional.of(r);
                }
            }
            return Optional.empty();
        }

        public Verdict.Dropped unresolved(Namespace sender, Link out, Ipv4 nextHop) {
            return new Verdict.Dropped(sender.key(), out.name(), Verdict.Cause.NO_NEIGHBOR, "no neighbor for " + nextHop
                    + " on " + out.name() + ", and nothing behind it (" + device + " on " + node + ") owns that address"
                    + " to answer ARP");
        }

        public Verdict.Dropped missed(Namespace sender, Link out, MacAddress mac, Ipv4 nextHop) {
            if (direct && receivers.size() == 1) {
                Receiver r = receivers.getFirst();
                return new Verdict.Dropped(r.ns().key(), r.link().name(), Verdict.Cause.OTHERHOST, "frame to "
                        + nextHop + " sent to MAC " + mac + " but " + r.describe() + " is "
                        + r.link().mac().map(MacAddress::toString).orElse("without a MAC"));
            }
            return new Verdict.Dropped(node, device, Verdict.Cause.NO_L2_DESTINATION, "no port of " + device + " on "
                    + node + " leads to MAC " + mac + " (next hop " + nextHop + ")");
        }
    }

    /** The underlay: every node's underlay device, found through the topology's index. */
    record Underlay(Topology topology, Namespace sender) implements Segment {
        public Optional<Receiver> answering(Ipv4 ip) {
            return topology.underlayByAddress(ip).filter(r -> r.ns() != sender);
        }

        public Optional<Receiver> accepting(MacAddress mac) {
            return topology.underlayByMac(mac).filter(r -> r.ns() != sender);
        }

        /**
         * A node's address on a device that cannot receive (down, or no carrier) is nobody's to answer ARP: the drop
         * belongs to that device, where the cause is, not to the world outside the snapshots.
         */
        public Verdict.Dropped unresolved(Namespace sender, Link out, Ipv4 nextHop) {
            Optional<Receiver> owner = topology.underlayOwner(nextHop).filter(r -> r.ns() != sender);
            if (owner.isPresent()) {
                return cannotReceive(owner.get(), nextHop + " is " + owner.get().describe(),
                        "nothing answers ARP for it from " + sender.key());
            }
            return new Verdict.Dropped(sender.key(), out.name(), Verdict.Cause.OUTSIDE_MODEL, "sent out " + out.name()
                    + " to " + nextHop + ", which is no node's underlay address (a gateway or a host outside the"
                    + " snapshots)");
        }

        /** A frame to the MAC of a node's underlay device that cannot receive (a cached neighbor) dies there too. */
        public Verdict.Dropped missed(Namespace sender, Link out, MacAddress mac, Ipv4 nextHop) {
            Optional<Receiver> owner = topology.underlayOwner(mac).filter(r -> r.ns() != sender);
            if (owner.isPresent()) {
                return cannotReceive(owner.get(), "frame to " + nextHop + " sent to MAC " + mac + ", "
                        + owner.get().describe(), "it does not receive");
            }
            return new Verdict.Dropped(sender.key(), out.name(), Verdict.Cause.OUTSIDE_MODEL, "sent out " + out.name()
                    + " to " + nextHop + " at MAC " + mac + ", which is no node's underlay device (a gateway or a host"
                    + " outside the snapshots)");
        }

        private static Verdict.Dropped cannotReceive(Receiver r, String what, String consequence) {
            boolean down = !r.link().isUp();
            return new Verdict.Dropped(r.ns().key(), r.link().name(), down ? Verdict.Cause.LINK_DOWN
                    : Verdict.Cause.NO_CARRIER, what + ", which " + (down ? "is down" : "has no carrier") + ": "
                    + consequence);
        }
    }

    /** Nothing can receive behind the device; {@code why} says so. */
    record Closed(Verdict.Dropped why) implements Segment {
        public Optional<Receiver> answering(Ipv4 ip) {
            return Optional.empty();
        }

        public Optional<Receiver> accepting(MacAddress mac) {
            return Optional.empty();
        }

        public Verdict.Dropped unresolved(Namespace sender, Link out, Ipv4 nextHop) {
            return why;
        }

        public Verdict.Dropped missed(Namespace sender, Link out, MacAddress mac, Ipv4 nextHop) {
            return why;
        }
    }
}
