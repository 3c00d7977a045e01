package dev.vxlab.scenarios.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The backend seam holds: nothing above a backend knows which backend it has. Only the netns backend itself may use
 * its classes and the namespace remote; the fast path is reached through {@code ClusterNode.netnsFastPath()}, never by
 * assuming a node is a namespace. Checked on the production classes of every module on this class path.
 */
class BackendSeamTest {
    private static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        // Modules arrive as directories or jars depending on the Maven phase; test classes (test-classes, the
        // test-jars) may build any backend they like.
        ImportOption productionOnly = location -> !location.contains("/test-classes/")
                && !location.contains("-tests.jar");
        production = new ClassFileImporter().withImportOption(productionOnly).importPackages("dev.vxlab");
    }

    @Test
    void nothingAboveTheNetnsBackendUsesItsClasses() {
        ArchRule rule = noClasses().that().resideOutsideOfPackage("dev.vxlab.lab.backend.netns..")
                .should().dependOnClassesThat().resideInAPackage("dev.vxlab.lab.backend.netns..")
                .because("backends are plug-ins found by ServiceLoader (lab.backend.Backends)");
        rule.check(production);
    }

    @Test
    void nothingAboveTheBackendsAssumesANodeIsANamespace() {
        ArchRule rule = noClasses().that().resideOutsideOfPackages("dev.vxlab.lab.backend.netns..",
                        "dev.vxlab.detectors..", "dev.vxlab.nodedoctor..")
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.vxlab.detectors.remote.NamespaceRemote")
                .because("a node is a Remote; its namespace is an optional fast path (ClusterNode.netnsFastPath)");
        rule.check(production);
    }

    @Test
    void theSeamHasClassesToCheck() {
        // Guards the two rules above against an import that finds nothing (and so cannot fail).
        org.assertj.core.api.Assertions.assertThat(production.containPackage("dev.vxlab.lab.backend.netns")).isTrue();
        org.assertj.core.api.Assertions.assertThat(production.containPackage("dev.vxlab.scenarios.runner")).isTrue();
    }
}
