package dev.vxlab.lab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command answers --help with its usage and exit 0, as a user trying a command first would expect. */
class CliHelpTest {

    @ParameterizedTest
    // reproduce, run and scenarios live in the scenarios module (ReproduceCommandTest, RunCommandTest).
    @ValueSource(strings = {"doctor", "up", "down", "status", "probe", "inject", "faults", "shell", "exec"})
    void everyCommandTakesHelp(String command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Main.run(command, "--help");
        } finally {
            System.setOut(original);
        }
        assertThat(exit).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: vxlab " + command);
    }
}
