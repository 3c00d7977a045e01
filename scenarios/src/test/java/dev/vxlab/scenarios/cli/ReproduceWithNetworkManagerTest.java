package dev.vxlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.testkit.Kernel;
import dev.vxlab.lab.cli.Main;
import dev.vxlab.lab.testkit.RequiredTool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `vxlab reproduce --with-networkmanager`: the field story with the real NetworkManager, confined to the node, changing
 * flannel.1's MAC; every expectation of the story must hold.
 */
@Kernel
class ReproduceWithNetworkManagerTest {
    @TempDir
    Path reports;

    @Test
    void theRealNetworkManagerCausesEveryFieldSymptom() throws Exception {
        for (String tool : new String[] {"NetworkManager", "nmcli", "dbus-daemon"}) {
            RequiredTool.require(tool, RequiredTool.onPath(tool),
                    "apt-get install --no-install-recommends network-manager firewalld dbus");
        }
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        System.setOut(new PrintStream(terminal, true, StandardCharsets.UTF_8));
        try {
            exit = Main.run("reproduce", "--with-networkmanager", "--nodes", "3", "--report", reports.toString());
        } finally {
            System.setOut(original);
        }
        String story = terminal.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(story).isZero();
        assertThat(story).contains("nmcli device connect flannel.1", "reproduced: ")
                .contains("dropped as otherhost on 172.31.159.19");
        assertThat(reports.resolve("report.json")).isNotEmptyFile();
    }
}
