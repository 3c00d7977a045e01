package dev.vxlab.lab.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.spi.FixIds;
import dev.vxlab.detectors.testkit.Kernel;
import dev.vxlab.lab.Lab;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.ClusterNode;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.backend.netns.NetnsBackend;
import dev.vxlab.lab.cli.Main;
import dev.vxlab.lab.fault.FaultCatalog;
import dev.vxlab.lab.spec.ClusterSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vxlab doctor --netns NAME --node-name NAME --nodes NODES.json}: the doctor as it runs on a real node, pointed at
 * a lab node's namespace and the NodeList the lab published, exactly as an operator would point it at theirs. The
 * command hands its options to the node-doctor module; this checks the whole way through the vxlab command line, with
 * peers that answer, so the VXLAN round trips prove the fix.
 */
@Kernel
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class RealNodeDoctorTest {
    private static final ClusterSpec SPEC = ClusterSpec.field(3);
    private static final String F = SPEC.nodes().get(0).name();

    @TempDir
    static Path dir;
    private static Lab lab;

    @BeforeAll
    static void start() throws Exception {
        lab = Lab.start(new NetnsBackend(), SPEC, LabRun.random(dir));
    }

    @AfterAll
    static void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    private record Run(int exit, String out, String err) {}

    private static Run doctor(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            List<String> argv = new ArrayList<>(List.of("doctor"));
            argv.addAll(List.of(args));
            int exit = Main.run(argv.toArray(String[]::new));
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8).strip());
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    private static String netns(String node) throws LabException {
        ClusterNode n = lab.cluster().node(node);
        return n.netnsFastPath().orElseThrow().getFileName().toString();
    }

    private static String[] on(String node, String... more) throws LabException {
        List<String> argv = new ArrayList<>(List.of("--netns", netns(node), "--node-name", node,
                "--nodes", lab.flannel().nodeListFile().toString(), "--nm-config", dir.resolve("nm-" + node).toString()));
        argv.addAll(List.of(more));
        return argv.toArray(String[]::new);
    }

    @Test
    void healthyThenNamesTheFaultThenFixesItAndProvesItByRoundTrips() throws Exception {
        Run healthy = doctor(on(F, "--json"));
        assertThat(healthy.exit()).as(healthy.err()).isZero();
        assertThat(healthy.out()).contains("\"healthy\" : true").contains("\"node\" : \"" + F + "\"");

        lab.inject(FaultCatalog.create("routes-flushed", F, Map.of(), SPEC));
        Run sick = doctor(on(F, "--json"));
        assertThat(sick.exit()).isEqualTo(1);
        assertThat(sick.out()).contains("\"fault\" : \"missing-peer-route\"").contains("\"device\" : \"flannel.1\"");

        Run dryRun = doctor(on(F, "--fix", "--skip-fix", FixIds.FLANNEL_RESYNC));
        assertThat(dryRun.exit()).isEqualTo(1);
        assertThat(dryRun.out()).contains("(dry run; add --apply)").contains("$ ip route replace");
        assertThat(doctor(on(F, "--json")).exit()).as("a dry run changes nothing").isEqualTo(1);

        Run fixed = doctor(on(F, "--fix", "--skip-fix", FixIds.FLANNEL_RESYNC, "--apply"));
        assertThat(fixed.exit()).as(fixed.out() + fixed.err()).isZero();
        assertThat(fixed.out()).contains("applied: ip route replace")
                .contains("VXLAN round trips to the peers' flannel.1 addresses: 2/2");
        assertThat(doctor(on(F)).exit()).isZero();
    }

    /**
     * The cluster view on a "real" cluster: each node's doctor --json saved to a file, then --all over them. A drifted
     * node is named, its peers are stale only because of it, and it is the one to re-sync first. Runs last: it drifts F.
     */
    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
    void theClusterViewOverEveryNodesDiagnosisNamesTheDriftedNodeFirst() throws Exception {
        lab.restartFlanneld(F); // whatever an earlier test left, F publishes its device's MAC again
        Path nodes = lab.flannel().nodeListFile();
        List<String> files = new ArrayList<>();
        for (var plan : SPEC.nodes()) {
            Run one = doctor(on(plan.name(), "--json"));
            Path file = dir.resolve("diagnosis-" + plan.name() + ".json");
            Files.writeString(file, one.out());
            files.add(file.toString());
        }
        Run healthy = doctor("--all", "--nodes", nodes.toString(), "--diagnoses", String.join(",", files));
        assertThat(healthy.exit()).as(healthy.out() + healthy.err()).isZero();
        assertThat(healthy.out()).contains("cluster view: 3 nodes, 3 observed: consistent");

        lab.inject(FaultCatalog.create("vtep-mac-drift", F, Map.of(), SPEC));
        files.clear();
        for (var plan : SPEC.nodes()) {
            Run one = doctor(on(plan.name(), "--json"));
            Path file = dir.resolve("drifted-" + plan.name() + ".json");
            Files.writeString(file, one.out());
            files.add(file.toString());
        }
        Run text = doctor("--all", "--nodes", nodes.toString(), "--diagnoses", String.join(",", files));
        assertThat(text.exit()).as(text.err()).isEqualTo(1);
        assertThat(text.out()).contains("drifted (device MAC != published VtepMAC):\n  " + F + ": device ")
                .contains("1. " + F + ": flannel-resync (first:");
        Run json = doctor("--all", "--json", "--nodes", nodes.toString(), "--diagnoses", String.join(",", files));
        assertThat(json.out()).contains("\"consistent\" : false").contains("\"becauseDrifted\" : true");

        Run wrong = doctor("--all", "--nodes", nodes.toString(), "--diagnoses", nodes.toString());
        assertThat(wrong.exit()).isEqualTo(2);
        assertThat(wrong.err()).startsWith("vxlab: ").contains("not a diagnosis").doesNotContain("\n");
        lab.restartFlanneld(F);
    }

    @Test
    void badInputIsOneSentenceAndExitTwo() throws Exception {
        Path malformed = Files.writeString(dir.resolve("malformed.json"), "{\"kind\": \"NodeList\", \"items\": [");
        Path nodes = lab.flannel().nodeListFile();
        List<Run> runs = List.of(
                doctor("--netns", netns(F), "--node-name", F, "--nodes", malformed.toString()),
                doctor("--netns", netns(F), "--node-name", "no-such-node", "--nodes", nodes.toString()),
                doctor("--netns", "vx-no-such-namespace", "--node-name", F, "--nodes", nodes.toString()),
                doctor("--netns", netns(F), "--node-name", F, "--nodes", dir.resolve("absent.json").toString()),
                doctor("--netns", netns(F), "--nodes", nodes.toString()),
                doctor(on(F, "--apply")),
                doctor(on(F, "--fix", "--skip-fix", "no-such-fix")));
        assertThat(runs).allSatisfy(r -> {
            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).startsWith("vxlab: ").doesNotContain("\n").doesNotContain("\tat ");
        });
        assertThat(runs.get(0).err()).contains("malformed.json");
        assertThat(runs.get(1).err()).contains("'no-such-node' is not in");
        assertThat(runs.get(2).err()).contains("'vx-no-such-namespace' does not exist");
        assertThat(runs.get(3).err()).contains("no such file").contains("kubectl get nodes -o json");
        assertThat(runs.get(4).err()).contains("--node-name");
        assertThat(runs.get(5).err()).contains("--apply goes with --fix");
        assertThat(runs.get(6).err()).contains("unknown fix 'no-such-fix'").contains("restore-routes");
    }
}
