package dev.vxlab.detectors.state;

import java.util.EnumSet;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.ToIntFunction;

/** Converts the kernel's bit masks to enum sets and readable text; shared by the records of this package. */
final class Bits {
    private Bits() {}

    static <E extends Enum<E>> Set<E> toSet(Class<E> type, int mask, ToIntFunction<E> bit) {
        EnumSet<E> set = EnumSet.noneOf(type);
        for (E e : type.getEnumConstants()) {
            if ((mask & bit.applyAsInt(e)) != 0) {
                set.add(e);
            }
        }
        return Set.copyOf(set);
    }

    /** The names of the set bits joined by the separator, plus any unknown bits in hex. */
    static <E extends Enum<E>> String describe(Class<E> type, int mask, ToIntFunction<E> bit, String separator) {
        StringJoiner out = new StringJoiner(separator);
        int rest = mask;
        for (E e : type.getEnumConstants()) {
            int b = bit.applyAsInt(e);
            if ((mask & b) != 0) {
                out.add(e.name());
                rest &= ~b;
            }
        }
        if (rest != 0) {
            out.add("0x" + Integer.toHexString(rest));
        }
        return out.toString();
    }
}
