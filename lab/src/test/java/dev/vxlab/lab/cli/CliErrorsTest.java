package dev.vxlab.lab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad input ends in one clear sentence on stderr and exit code 2, never a stack trace. */
class CliErrorsTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void captureStderr() {
        originalErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStderr() {
        System.setErr(originalErr);
    }

    private String run(int expectedExit, String... args) {
        int exit = Main.run(args);
        String message = err.toString(StandardCharsets.UTF_8).strip();
        assertThat(exit).as(message).isEqualTo(expectedExit);
        assertThat(message).as("one line, no stack trace").doesNotContain("\n").doesNotContain("\tat ")
                .startsWith("vxlab: ");
        return message;
    }

    @Test
    void unknownBackend() {
        assertThat(run(2, "reproduce", "--backend", "kind")).isEqualTo("vxlab: unknown backend 'kind'; available here: netns");
    }

    @Test
    void nodeCountOutOfRange() {
        assertThat(run(2, "reproduce", "--nodes", "1")).isEqualTo("vxlab: --nodes must be from 2 to 256 (one /24"
                + " flannel lease per node in the field's 10.187.0.0/16 pod network), not 1");
    }

    @Test
    void notANumber() {
        assertThat(run(2, "reproduce", "--nodes", "five")).contains("'five'").contains("--nodes");
    }

    @Test
    void unknownCommand() {
        assertThat(run(2, "reproduec")).contains("reproduec");
    }

    @Test
    void badLabName() {
        assertThat(run(2, "up", "--name", "My Lab")).contains("a lab name is");
    }

    @Test
    void noLabIsUp() {
        assertThat(run(2, "probe", "--lab", "nothere")).contains("no lab named 'nothere' is up");
    }
}
