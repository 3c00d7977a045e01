package dev.vxlab.scenarios.junit;

import dev.vxlab.detectors.testkit.Kernel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.vxlab.lab.Lab;
import dev.vxlab.detectors.remote.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs a user-style test class through the JUnit Platform: its {@code @VxLab} labs are ready and healthy inside the
 * tests, and afterwards, passed or failed, none of their namespaces or run directories is left.
 */
@Kernel
class VxLabExtensionTest {
    /** Every lab the sample saw: its run prefix and directory. */
    static final List<String> PREFIXES = new CopyOnWriteArrayList<>();
    static final List<Path> DIRECTORIES = new CopyOnWriteArrayList<>();

    static void record(Lab... labs) {
        for (Lab lab : labs) {
            PREFIXES.add(lab.cluster().run().prefix());
            DIRECTORIES.add(lab.cluster().run().directory());
        }
    }

    /** Only the test below runs the sample (a -Dtest pattern could select the nested class on its own). */
    private static volatile boolean launching;

    static boolean launchedByTheTest() {
        return launching;
    }

    @VxLabTest
    @EnabledIf("dev.vxlab.scenarios.junit.VxLabExtensionTest#launchedByTheTest")
    static class UsersTest {
        @VxLab(nodes = 2)
        static Lab shared;

        @VxLab(nodes = 2, podNetwork = "10.244.0.0/16")
        Lab perTest;

        @Test
        void theSharedClusterIsHealthy() throws Exception {
            record(shared, perTest);
            assertThat(shared.spec().profile()).isEqualTo("field");
            assertThat(namespaces()).as("the check below can see a lab's namespaces")
                    .contains(shared.cluster().run().prefix() + "-n0");
            assertThat(shared.matrix(Duration.ofMillis(800)).allOk()).isTrue();
        }

        @Test
        void aPerTestClusterOnItsOwnPlanIsHealthy() throws Exception {
            record(shared, perTest);
            assertThat(perTest.spec().podNetwork().toString()).isEqualTo("10.244.0.0/16");
            assertThat(perTest.matrix(Duration.ofMillis(800)).allOk()).isTrue();
        }

        @Test
        void aParameterGetsItsOwnLab(@VxLab(nodes = 3) Lab mine) throws Exception {
            record(shared, perTest, mine);
            assertThat(mine.cluster().nodes()).hasSize(3);
            throw new AssertionError("this test fails on purpose: its labs must still be removed");
        }
    }

    @Test
    void labsAreReadyInsideTheTestsAndGoneAfterThem() {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launching = true;
        try {
            LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(UsersTest.class)).build(), listener);
        } finally {
            launching = false;
        }
        TestExecutionSummary summary = listener.getSummary();

        assertThat(summary.getTestsSucceededCount()).as(failures(summary)).isEqualTo(2);
        assertThat(summary.getTestsFailedCount()).isEqualTo(1);
        assertThat(summary.getFailures().getFirst().getException()).hasMessageContaining("fails on purpose");
        assertThat(PREFIXES).hasSize(7);
        assertThat(PREFIXES.stream().distinct()).as("one shared lab, one per test, one for the parameter").hasSize(5);

        String namespaces = namespaces();
        for (String prefix : PREFIXES) {
            assertThat(namespaces).as("namespaces of " + prefix).doesNotContain(prefix);
        }
        assertThat(DIRECTORIES).allSatisfy(dir -> assertThat(Files.exists(dir)).as(dir.toString()).isFalse());
    }

    static String namespaces() {
        return ProcessRunner.run(List.of("ip", "netns", "list"), Duration.ofSeconds(5)).stdout();
    }

    private static String failures(TestExecutionSummary summary) {
        StringBuilder out = new StringBuilder();
        summary.getFailures().forEach(f -> out.append(f.getTestIdentifier().getDisplayName()).append(": ")
                .append(f.getException()).append('\n'));
        return out.toString();
    }
}
