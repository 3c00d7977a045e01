package dev.vxlab.detectors.state;

import java.util.Objects;

/**
 * A reference to a link of the same node: the kernel's interface index, plus its name as resolved when the snapshot
 * was taken (both sources resolve it from their own link dump, so the pair is equal across sources).
 */
public record LinkRef(int index, String name) implements Comparable<LinkRef> {

    public LinkRef {
        if (index <= 0) {
            throw new IllegalArgumentException("an interface index is positive, not " + index);
        }
        Objects.requireNonNull(name, "name");
    }

    @Override
    public int compareTo(LinkRef other) {
        int byIndex = Integer.compare(index, other.index);
        return byIndex != 0 ? byIndex : name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return name;
    }

    // Written out as the record's would be, for C1's sake (see Ipv4#equals).
    @Override
    public boolean equals(Object o) {
        return o instanceof LinkRef other && other.index == index && other.name.equals(name);
    }

    @Override
    public int hashCode() {
        return 31 * index + name.hashCode();
    }
}
