package dev.vxlab.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Bad input: one sentence on stderr, exit 2, nothing started. */
class MainBadInputTest {
    record Result(int exit, String err) {}

    private static Result run(String... args) {
        PrintStream before = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = Main.run(args);
            return new Result(exit, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(before);
        }
    }

    @Test
    void eachBadInputIsOneSentenceAndExitTwo() {
        assertOneSentence(run("--node-name", "n", "--listen", "nope"), "--listen 'nope' is not HOST:PORT");
        assertOneSentence(run("--node-name", "n", "--listen", "0.0.0.0:70000"), "port 70000 is not in 0..65535");
        assertOneSentence(run("--node-name", "n", "--fix-rate", "often"), "'often' is not a fix rate");
        assertOneSentence(run("--node-name", "n", "--interval-ms", "0"), "--interval-ms must be positive");
        assertOneSentence(run("--node-name", "n", "--netns", "a/b"), "--netns 'a/b' is not a namespace name");
        assertOneSentence(run("--node-name", "n", "--netns", "vxlab-no-such-ns"),
                "network namespace 'vxlab-no-such-ns' does not exist");
        assertOneSentence(run("--node-name", "n", "--host", "--netns", "x"), "mutually exclusive");
        assertOneSentence(run("--bogus"), "Unknown option: '--bogus'");
        assertOneSentence(run("--node-name", "n", "--kubeconfig", "/vxlab/no/such/kubeconfig"),
                "no such kubeconfig: /vxlab/no/such/kubeconfig");
        assertOneSentence(run("--node-name", "n", "--kubeconfig", "pom.xml"), "the kubeconfig pom.xml is not usable: ");
    }

    @Test
    void noNodeNameSaysHowToGiveOne() {
        Result r = run("--node-name", " ");
        assertOneSentence(r, "no node name: pass --node-name or set NODE_NAME");
    }

    private static void assertOneSentence(Result r, String text) {
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(text).startsWith("vxlab agent: ");
        assertThat(r.err().strip().lines()).as("one line").hasSize(1);
    }
}
