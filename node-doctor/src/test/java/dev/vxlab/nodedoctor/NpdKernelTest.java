package dev.vxlab.nodedoctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.advertised.NodeListWriter;
import dev.vxlab.detectors.testkit.FlannelNamespace;
import dev.vxlab.detectors.testkit.Kernel;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The doctor as a node-problem-detector plugin on a flannel node in a real namespace: NPD's exit codes and one line
 * on stdout, from the Java entry point and from the shipped wrapper script NPD's config runs.
 */
@Kernel
class NpdKernelTest {
    @TempDir
    Path dir;
    private FlannelNamespace node;
    private Path nodes;

    @BeforeEach
    void create() throws Exception {
        String ns = "vxnpd" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        node = FlannelNamespace.create(ns, 2);
        nodes = Files.writeString(dir.resolve("nodes.json"), NodeListWriter.defaults().write(node.view().nodes()));
    }

    @AfterEach
    void delete() {
        node.delete();
    }

    private Runs npd(String namespace) {
        return Runs.of("--npd", "--netns", namespace, "--node-name", node.nodeName(), "--nodes", nodes.toString(),
                "--nm-config", dir.resolve("nm").toString());
    }

    @Test
    void okThenNonOkWithTheFaultNamedThenUnknownWhenItCannotLook() {
        Runs healthy = npd(node.namespace());
        assertThat(healthy.exit()).as(healthy.err()).isEqualTo(NpdPlugin.OK);
        assertThat(healthy.out().strip()).isEqualTo(NpdPlugin.HEALTHY);

        FlannelNamespace.run(List.of("ip", "-n", node.namespace(), "route", "del", node.peer(1).podCidr().toString()), "");
        Runs sick = npd(node.namespace());
        assertThat(sick.exit()).isEqualTo(NpdPlugin.NON_OK);
        assertThat(sick.out().strip()).startsWith("missing-peer-route on flannel.1").doesNotContain("\n");

        Runs blind = npd(node.namespace() + "-absent");
        assertThat(blind.exit()).isEqualTo(NpdPlugin.UNKNOWN);
        assertThat(blind.out().strip()).startsWith("vxlab: cannot examine the node: ").doesNotContain("\n");

        Runs mixed = Runs.of("--npd", "--fix", "--netns", node.namespace());
        assertThat(mixed.exit()).isEqualTo(NpdPlugin.UNKNOWN);
        assertThat(mixed.out()).contains("--npd reports only");
    }

    /** The wrapper NPD runs: kubectl's NodeList into a temporary file, the doctor on it, its exit code passed on. */
    @Test
    void theWrapperScriptPassesTheDoctorsVerdictOn() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        // kubectl as NPD's service account would answer: the cluster's NodeList (here, this test's).
        Path kubectl = Files.writeString(bin.resolve("kubectl"), "#!/bin/sh\ncat '" + nodes + "'\n");
        Files.setPosixFilePermissions(kubectl, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(script(bin, true)).isEqualTo(new Outcome(NpdPlugin.OK, NpdPlugin.HEALTHY));

        FlannelNamespace.run(List.of("ip", "-n", node.namespace(), "link", "set", "flannel.1", "down"), "");
        Outcome down = script(bin, true);
        assertThat(down.exit()).isEqualTo(NpdPlugin.NON_OK);
        assertThat(down.line()).contains("flannel.1");

        Outcome noApi = script(bin, false);
        assertThat(noApi).isEqualTo(new Outcome(NpdPlugin.UNKNOWN, "vxlab: kubectl cannot list the nodes"));
    }

    record Outcome(int exit, String line) {}

    private Outcome script(Path bin, boolean apiAnswers) throws Exception {
        Path script = Path.of(System.getProperty("user.dir")).resolveSibling("deploy/npd/vxlab-npd-check");
        Path lib = dir.resolve("lib");
        if (!Files.isDirectory(lib)) {
            // VXLAB_HOME/lib as a node install has it: jars only (java's "lib/*" takes nothing else), so each class
            // directory of this test's class path (this module's, or a reactor sibling's) is packed as a jar.
            Files.createDirectories(lib);
            String[] entries = System.getProperty("java.class.path").split(File.pathSeparator);
            for (int i = 0; i < entries.length; i++) {
                Path entry = Path.of(entries[i]);
                if (Files.isRegularFile(entry)) {
                    Files.copy(entry, lib.resolve(i + "-" + entry.getFileName()));
                } else if (Files.isDirectory(entry)) {
                    Path jarTool = Path.of(System.getProperty("java.home"), "bin", "jar");
                    Process jar = new ProcessBuilder(jarTool.toString(), "cf", lib.resolve(i + "-classes.jar").toString(),
                            "-C", entry.toString(), ".").inheritIO().start();
                    assertThat(jar.waitFor(60, TimeUnit.SECONDS) && jar.exitValue() == 0).as("jar " + entry).isTrue();
                }
            }
        }
        ProcessBuilder pb = new ProcessBuilder("sh", script.toString());
        Path javaBin = Path.of(System.getProperty("java.home"), "bin");
        pb.environment().put("PATH", (apiAnswers ? bin + ":" : "") + javaBin + ":/usr/sbin:/usr/bin:/sbin:/bin");
        pb.environment().put("VXLAB_HOME", dir.toString());
        pb.environment().put("NODE_NAME", node.nodeName());
        pb.environment().put("VXLAB_NPD_WHERE", "--netns " + node.namespace());
        pb.redirectErrorStream(true);
        Process process = pb.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the script ends").isTrue();
        return new Outcome(process.exitValue(), out.strip());
    }
}
