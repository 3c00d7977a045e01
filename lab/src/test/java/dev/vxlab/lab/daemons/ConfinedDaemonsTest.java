package dev.vxlab.lab.daemons;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.detectors.remote.ProcessRunner;
import dev.vxlab.detectors.remote.Command;
import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.testkit.Kernel;
import dev.vxlab.lab.Lab;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.backend.netns.NetnsBackend;
import dev.vxlab.lab.doctor.LabDoctor;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.testkit.RequiredTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real NetworkManager and firewalld, confined to one lab node: what they do to flannel's devices happens in that
 * node only, the machine (here: the test's sandbox, whose files are the host's) is left exactly as it was, and no
 * daemon, bus or mount outlives the lab.
 */
@Kernel
class ConfinedDaemonsTest {
    private static final ClusterSpec SPEC = ClusterSpec.field(2);
    private static final String N0 = SPEC.nodes().getFirst().name();

    @TempDir
    Path dir;

    @BeforeAll
    static void daemonsInstalled() {
        for (String tool : List.of("NetworkManager", "firewalld", "dbus-daemon", "nmcli", "firewall-cmd")) {
            RequiredTool.require(tool, RequiredTool.onPath(tool),
                    "apt-get install --no-install-recommends network-manager firewalld dbus");
        }
    }

    @Test
    void networkManagerChangesFlannelsMacOnItsNodeOnlyAndTheDropInPreventsIt() throws Exception {
        HostFacts before = HostFacts.read();
        try (Lab lab = Lab.start(new NetnsBackend(), SPEC, LabRun.random(dir));
                LabDoctor doctor = new LabDoctor(lab)) {
            Remote node = lab.cluster().node(N0).remote();
            NodeDaemons daemons = lab.daemons(N0);
            String advertised = mac(node);

            daemons.configure(List.of(NmConfig.CLONED_MAC_RANDOM));
            daemons.start(Daemon.NETWORK_MANAGER);
            assertThat(daemons.run(List.of("hostname")).stdout().strip()).isEqualTo(N0);
            Set<String> devices = new TreeSet<>(
                    daemons.run(List.of("nmcli", "-t", "-f", "DEVICE", "device")).stdout().lines().toList());
            Set<String> nodeLinks = new TreeSet<>();
            node.run("ip", "-o", "link", "show").stdout().lines()
                    .forEach(l -> nodeLinks.add(l.split(":\\s+")[1].replaceAll("@.*", "")));
            assertThat(devices).as("NetworkManager sees exactly the node's links").isEqualTo(nodeLinks)
                    .contains("flannel.1", "eth0", "cni0");
            assertThat(findings(doctor, N0)).contains("nm-manages-cni-devices");

            nmcli(daemons, "device", "set", "flannel.1", "managed", "yes");
            nmcli(daemons, "device", "connect", "flannel.1");
            assertThat(mac(node)).as("NetworkManager gave flannel.1 a random MAC").isNotEqualTo(advertised);
            assertThat(findings(doctor, N0)).contains("vtep-mac-drift");
            assertThat(lab.daemons(SPEC.nodes().get(1).name()).running(Daemon.NETWORK_MANAGER)).isFalse();

            // The doctor's plan: flanneld re-advertises, and the drop-in (reloaded through the node's private bus).
            var examined = doctor.examine().get(N0);
            doctor.apply(doctor.plan(examined));
            assertThat(findings(doctor, N0)).doesNotContain("vtep-mac-drift", "nm-manages-cni-devices");

            // The same action again, NetworkManager restarted with the trigger and the drop-in: nothing changes.
            daemons.configure(List.of(NmConfig.CLONED_MAC_RANDOM, NmConfig.UNMANAGED_FLANNEL));
            daemons.restart(Daemon.NETWORK_MANAGER);
            String fixed = mac(node);
            daemons.run(List.of("nmcli", "device", "set", "flannel.1", "managed", "yes"));
            assertThat(daemons.run(List.of("nmcli", "device", "connect", "flannel.1")).ok()).isFalse();
            assertThat(mac(node)).isEqualTo(fixed);
            assertThat(lab.matrix(LabDoctor.VERIFY_TIMEOUT).allOk()).isTrue();
        }
        assertThat(HostFacts.read()).isEqualTo(before);
        assertThat(HostFacts.daemonProcesses()).isEmpty();
    }

    @Test
    void firewalldsDefaultZoneDropsVxlanOnItsNodeOnly() throws Exception {
        HostFacts before = HostFacts.read();
        try (Lab lab = Lab.start(new NetnsBackend(), SPEC, LabRun.random(dir))) {
            Remote node = lab.cluster().node(N0).remote();
            NodeDaemons daemons = lab.daemons(N0);
            daemons.configure(new FirewalldConfig.Default());
            daemons.start(Daemon.FIREWALLD);
            assertThat(node.run("nft", "list", "tables").stdout()).contains("inet firewalld");
            assertThat(lab.matrix(LabDoctor.VERIFY_TIMEOUT).allOk()).as("the default zone breaks flannel").isFalse();

            daemons.configure(new FirewalldConfig.FlannelAllowed(SPEC.podNetwork()));
            assertThat(daemons.run(List.of("firewall-cmd", "--reload")).ok()).isTrue();
            assertThat(lab.matrix(LabDoctor.VERIFY_TIMEOUT).allOk()).as("flannel allowed").isTrue();

            daemons.stop(Daemon.FIREWALLD);
            assertThat(node.run("nft", "list", "tables").stdout()).doesNotContain("firewalld");
        }
        assertThat(HostFacts.read()).isEqualTo(before);
        assertThat(HostFacts.daemonProcesses()).isEmpty();
    }

    /**
     * udev's own net_setup_link, confined to node 0, gives a device created there without a MAC exactly the MAC the
     * doctor derives from the node's machine id; the other node and the machine keep theirs; the fix's link file makes
     * the same action keep the kernel's MAC.
     */
    @Test
    void udevsNetSetupLinkReMacsOnlyItsNodesDeviceAndTheLinkFileStopsIt() throws Exception {
        RequiredTool.require("udevadm", RequiredTool.onPath("udevadm"), "apt-get install --no-install-recommends udev");
        HostFacts before = HostFacts.read();
        String hostUdev = HostFacts.sh("ls -A /etc/systemd/network; cat /etc/machine-id; ls -d /run/udev 2>&1");
        try (Lab lab = Lab.start(new NetnsBackend(), SPEC, LabRun.random(dir))) {
            Remote node = lab.cluster().node(N0).remote();
            Remote other = lab.cluster().node(SPEC.nodes().get(1).name()).remote();
            String otherLinks = other.run("ip", "-br", "link").stdout();
            NodeDaemons daemons = lab.daemons(N0);
            List<String> setupLink = List.of("udevadm", "test-builtin", "net_setup_link", "/sys/class/net/flannel.9");

            assertThat(node.run("ip", "link", "add", "flannel.9", "type", "vxlan", "id", "9", "dstport", "8472",
                    "nolearning").ok()).isTrue();
            String kernels = node.run("cat", "/sys/class/net/flannel.9/address").stdout().strip();
            var udev = daemons.udev(setupLink);
            assertThat(udev.ok()).as(udev.stderr()).isTrue();
            var facts = dev.vxlab.detectors.source.RemoteSources.udev(node);
            assertThat(facts.inspected()).isTrue();
            String persistent = facts.persistentMac("flannel.9").orElseThrow().toString();
            assertThat(udev.stdout() + udev.stderr()).contains("Applying persistent MAC address: " + persistent);
            assertThat(node.run("cat", "/sys/class/net/flannel.9/address").stdout().strip())
                    .isEqualTo(persistent).isNotEqualTo(kernels);
            assertThat(other.run("ip", "-br", "link").stdout()).isEqualTo(otherLinks);

            node.put(dev.vxlab.detectors.fix.builtin.UdevLinkMacNone.LINK_FILE,
                    dev.vxlab.detectors.fix.builtin.UdevLinkMacNone.CONTENT);
            node.run("ip", "link", "del", "flannel.9");
            node.run("ip", "link", "add", "flannel.9", "type", "vxlan", "id", "9", "dstport", "8472", "nolearning");
            String again = node.run("cat", "/sys/class/net/flannel.9/address").stdout().strip();
            var kept = daemons.udev(setupLink);
            assertThat(kept.stdout() + kept.stderr()).contains("10-flannel.link is applied");
            assertThat(node.run("cat", "/sys/class/net/flannel.9/address").stdout().strip()).isEqualTo(again);
        }
        assertThat(HostFacts.read()).isEqualTo(before);
        assertThat(HostFacts.sh("ls -A /etc/systemd/network; cat /etc/machine-id; ls -d /run/udev 2>&1"))
                .isEqualTo(hostUdev);
    }

    @Test
    void aStopChecksThePidIsTheDaemonFirst() throws Exception {
        try (Lab lab = Lab.start(new NetnsBackend(), SPEC, LabRun.random(dir))) {
            NodeDaemons daemons = lab.daemons(N0);
            daemons.start(Daemon.DBUS);
            assertThat(daemons.running(Daemon.DBUS)).isTrue();
            // A program run confined cannot reach the launcher's namespaces: the preflight refuses a wrong node id.
            var refused = lab.cluster().node(N0).remote().run(Command.of(
                    swapNodeNetns(daemons.confined(List.of("true")))));
            assertThat(refused.exitCode()).isEqualTo(97);
            assertThat(refused.stderr()).contains("refusing to start true");
        }
        assertThat(HostFacts.daemonProcesses()).isEmpty();
    }

    private static List<String> swapNodeNetns(List<String> launcher) throws IOException {
        List<String> out = new ArrayList<>(launcher);
        int i = out.indexOf("unshare") + 12; // unshare and its 5 words, sh, the script, STATE, NM_ETC, FW_ETC, host, then the node id
        out.set(i, Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString());
        return out;
    }

    private static void nmcli(NodeDaemons daemons, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("nmcli"));
        argv.addAll(List.of(args));
        var result = daemons.run(argv);
        assertThat(result.ok()).as(String.join(" ", argv) + ": " + result.stderr()).isTrue();
    }

    private static String mac(Remote node) {
        return node.run("cat", "/sys/class/net/flannel.1/address").stdout().strip();
    }

    private static Set<String> findings(LabDoctor doctor, String node) throws Exception {
        Set<String> ids = new TreeSet<>();
        for (Finding f : doctor.examine().get(node).diagnosis().findings()) {
            ids.add(f.fault());
        }
        return ids;
    }

    /** What the machine must keep: its hostname, resolv.conf, package configs, ruleset, links and mounts. */
    record HostFacts(String hostname, String resolvConf, String nmEtc, String fwEtc, String ruleset, Set<String> links,
            String mounts) {
        static HostFacts read() throws IOException {
            return new HostFacts(sh("hostname"), Files.readString(Path.of("/etc/resolv.conf")),
                    sh("find /etc/NetworkManager -type f -exec md5sum {} +"),
                    sh("find /etc/firewalld -type f -exec md5sum {} +"), sh("nft list ruleset"), sandboxLinks(),
                    mountTable());
        }

        /** The mount table without the lab's own /run/netns (ip netns add makes it a shared mount once). */
        static String mountTable() throws IOException {
            return String.join("\n", Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                    .filter(l -> !l.split(" ")[4].startsWith("/run/netns")).toList());
        }

        static Set<String> sandboxLinks() {
            Set<String> names = new TreeSet<>();
            sh("ip -o link show").lines().forEach(l -> names.add(l.split(":\\s+")[1].replaceAll("@.*", "")));
            return names;
        }

        /** NetworkManager, firewalld or dbus-daemon processes this sandbox can see (the test's own PID namespace). */
        static List<String> daemonProcesses() throws IOException {
            try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                        .map(p -> {
                            try {
                                return Files.readString(p.resolve("comm")).strip();
                            } catch (IOException e) {
                                return "";
                            }
                        })
                        .filter(c -> Set.of("NetworkManager", "firewalld", "dbus-daemon").contains(c)).toList();
            }
        }

        static String sh(String line) {
            return ProcessRunner.run(new Command(List.of("sh", "-c", line), "", java.util.Map.of(),
                    java.time.Duration.ofSeconds(20))).stdout();
        }
    }
}
