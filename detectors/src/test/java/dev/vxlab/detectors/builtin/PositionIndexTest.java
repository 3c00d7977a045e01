package dev.vxlab.detectors.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PositionIndexTest {

    @Test
    void findsEveryPositionOfEveryKeyAndNothingElse() {
        Random random = new Random(7);
        int size = 5000;
        PositionIndex index = new PositionIndex(size);
        Map<Long, List<Integer>> expected = new HashMap<>();
        for (int i = 0; i < size; i++) {
            // Few distinct keys, many sequential ones, and the extremes: collisions and chains both happen.
            long key = switch (i % 4) {
                case 0 -> random.nextInt(50);
                case 1 -> 0x0A00_0000L + (i << 8);
                case 2 -> random.nextLong();
                default -> i % 8 == 3 ? Long.MIN_VALUE : -1L;
            };
            index.add(key, i);
            expected.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
        }
        for (var e : expected.entrySet()) {
            List<Integer> found = new ArrayList<>();
            for (int p = index.first(e.getKey()); p >= 0; p = index.next(p)) {
                found.add(p);
            }
            assertThat(found).as("key %d", e.getKey()).containsExactlyInAnyOrderElementsOf(e.getValue());
        }
        assertThat(index.first(123_456_789_012L)).isEqualTo(-1);
    }

    @Test
    void anEmptyIndexFindsNothing() {
        assertThat(new PositionIndex(0).first(0)).isEqualTo(-1);
    }
}
