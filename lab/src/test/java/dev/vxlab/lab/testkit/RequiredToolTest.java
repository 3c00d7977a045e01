package dev.vxlab.lab.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.lab.RequireAll;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** The rule for missing tools: skipped on a laptop, a failure naming the tool under CI. */
class RequiredToolTest {

    @Test
    void aMissingToolSkipsOnALaptopAndFailsUnderCiNamingIt() {
        assertThatThrownBy(() -> RequiredTool.require("chromium", false, "apt-get install chromium", false))
                .isInstanceOf(TestAbortedException.class).hasMessageStartingWith("chromium is missing");
        assertThatThrownBy(() -> RequiredTool.require("chromium", false, "apt-get install chromium", true))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageStartingWith("chromium is required here").hasMessageContaining("apt-get install chromium");
    }

    @Test
    void aPresentToolPassesEitherWay() {
        assertThatCode(() -> RequiredTool.require("curl", true, "apt-get install curl", true)).doesNotThrowAnyException();
        assertThatCode(() -> RequiredTool.require("curl", true, "apt-get install curl", false)).doesNotThrowAnyException();
    }

    @Test
    void ciTrueOrTheSystemPropertyTurnsTheRuleOn() {
        assertThat(RequireAll.on(null, null)).isFalse();
        assertThat(RequireAll.on("false", "")).isFalse();
        assertThat(RequireAll.on("1", "yes")).as("only \"true\" counts").isFalse();
        assertThat(RequireAll.on("true", null)).isTrue();
        assertThat(RequireAll.on(" TRUE ", null)).isTrue();
        assertThat(RequireAll.on(null, "true")).isTrue();
    }

    @Test
    void pathLookupFindsWhatTheSandboxHas() {
        assertThat(RequiredTool.onPath("ip")).as("iproute2 runs every lab").isTrue();
        assertThat(RequiredTool.onPath("no-such-tool-vxlab")).isFalse();
    }
}
