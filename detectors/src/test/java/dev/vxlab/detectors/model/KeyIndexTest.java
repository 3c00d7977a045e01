package dev.vxlab.detectors.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The primitive-keyed index: values by key, several per key in the order added, growing past its sizing. */
class KeyIndexTest {

    private static List<String> all(KeyIndex<String> index, long key) {
        List<String> out = new ArrayList<>();
        for (int e = index.find(key); e >= 0; e = index.next(e)) {
            out.add(index.value(e));
        }
        return out;
    }

    @Test
    void findsEachKeyAndNothingForAnAbsentOne() {
        KeyIndex<String> index = new KeyIndex<>(4);
        index.add(10, "ten");
        index.add(-1, "minus one");
        index.add(0, "zero");
        assertThat(index.first(10)).isEqualTo("ten");
        assertThat(index.first(-1)).isEqualTo("minus one");
        assertThat(index.first(0)).isEqualTo("zero");
        assertThat(index.first(11)).isNull();
        assertThat(index.find(11)).isEqualTo(-1);
        assertThat(index.size()).isEqualTo(3);
    }

    @Test
    void keepsTheOrderOfValuesSharingAKey() {
        KeyIndex<String> index = new KeyIndex<>(2);
        index.add(7, "a");
        index.add(8, "x");
        index.add(7, "b");
        index.add(7, "c");
        assertThat(all(index, 7)).containsExactly("a", "b", "c");
        assertThat(all(index, 8)).containsExactly("x");
        assertThat(index.first(7)).isEqualTo("a");
    }

    @Test
    void growsPastItsSizingWithoutLosingAnything() {
        KeyIndex<String> index = new KeyIndex<>(1);
        // Addresses of one /16, as a 1000-peer node's neighbors are: sequential, sharing their high bits.
        int base = (10 << 24) | (176 << 16);
        for (int i = 0; i < 5000; i++) {
            index.add(Integer.toUnsignedLong(base + (i << 8)), "peer " + i);
        }
        index.add(Integer.toUnsignedLong(base), "second at the first key");
        for (int i = 0; i < 5000; i++) {
            assertThat(index.first(Integer.toUnsignedLong(base + (i << 8)))).isEqualTo("peer " + i);
        }
        assertThat(all(index, Integer.toUnsignedLong(base))).containsExactly("peer 0", "second at the first key");
        assertThat(index.first(Integer.toUnsignedLong(base + 1))).isNull();
        assertThat(index.size()).isEqualTo(5001);
    }

    @Test
    void keysOfPrefixesAndDevicesDoNotCollide() {
        // 10.0.0.0/8 and 10.0.0.0/16 share their network; the length tells them apart.
        assertThat(KeyIndex.prefixKey(10 << 24, 8)).isNotEqualTo(KeyIndex.prefixKey(10 << 24, 16));
        // An address with its top bit set stays positive and apart from another device's.
        assertThat(KeyIndex.deviceKey(2, 0xC0A8_0001)).isNotEqualTo(KeyIndex.deviceKey(3, 0xC0A8_0001));
        assertThat(KeyIndex.deviceKey(2, 0xC0A8_0001)).isNotEqualTo(KeyIndex.deviceKey(2, 0xC0A8_0002));
        assertThat(KeyIndex.prefixKey(0xFFFF_FF00, 24)).isPositive();
    }
}
