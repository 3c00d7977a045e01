package dev.vxlab.detectors.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A finding names a peer's public IP only as a whole address, not as part of a longer one. */
class PathWalkNamesAddressTest {

    @Test
    void aWholeAddressAnywhereInTheText() {
        assertThat(PathWalkDetector.namesAddress("172.31.0.5", "172.31.0.5")).isTrue();
        assertThat(PathWalkDetector.namesAddress("no route to 172.31.0.5: down", "172.31.0.5")).isTrue();
        assertThat(PathWalkDetector.namesAddress("(172.31.0.5)", "172.31.0.5")).isTrue();
        assertThat(PathWalkDetector.namesAddress("172.31.0.5/32 via x", "172.31.0.5")).isTrue();
    }

    @Test
    void notALongerAddressOrANumberAround() {
        assertThat(PathWalkDetector.namesAddress("172.31.0.50", "172.31.0.5")).isFalse();
        assertThat(PathWalkDetector.namesAddress("1172.31.0.5", "172.31.0.5")).isFalse();
        assertThat(PathWalkDetector.namesAddress("10.172.31.0.5", "172.31.0.5")).isFalse();
        assertThat(PathWalkDetector.namesAddress("nothing here", "172.31.0.5")).isFalse();
    }

    @Test
    void aLaterWholeOccurrenceCountsAfterAPartOne() {
        assertThat(PathWalkDetector.namesAddress("172.31.0.55 and 172.31.0.5.", "172.31.0.5")).isTrue();
    }
}
