package dev.vxlab.detectors.source;

import dev.vxlab.detectors.firewall.IptablesSave;
import dev.vxlab.detectors.firewall.Ruleset;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.detectors.remote.RemoteException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The generic path into a node: its snapshot through {@code ip -j} over the node's {@link Remote}, and
 * NetworkManager's facts from the node's files and processes through the same remote. Works on any backend.
 */
public final class RemoteSources {
    /** Whether a NetworkManager process shares this shell's network namespace: the same test on a VM or in a netns. */
    private static final String NM_RUNS_HERE = "me=$(readlink /proc/self/ns/net); for d in /proc/[0-9]*; do "
            + "[ \"$(cat $d/comm 2>/dev/null)\" = NetworkManager ] && [ \"$(readlink $d/ns/net 2>/dev/null)\" = \"$me\" ] "
            + "&& exit 0; done; exit 1";

    private RemoteSources() {}

    /** Runs the snapshot's commands through the remote; a command that cannot start or finish is an IOException. */
    public static CommandRunner commands(Remote remote) {
        return argv -> {
            CommandResult result = remote.run(argv);
            if (result.exitCode() == 127 || result.exitCode() == 124) {
                throw new IOException("'" + result.commandLine() + "' on " + remote.name() + ": "
                        + result.stderr().strip());
            }
            return new CommandRunner.Output(result.exitCode(), result.stdout(), result.stderr());
        };
    }

    /**
     * NetworkManager's configuration under the node's {@code configDirectory}, whether its process runs there, and
     * which devices it activated itself.
     */
    public static NmFactsSource networkManager(Remote remote, String configDirectory) {
        return networkManager(remote, configDirectory, () -> remote);
    }

    /** The same, asking NetworkManager over the remote {@code bus} gives at the time of each read. */
    public static NmFactsSource networkManager(Remote remote, String configDirectory,
            java.util.function.Supplier<Remote> bus) {
        NmFactsSource configured = () -> {
            try {
                List<String> texts = new ArrayList<>();
                remote.getText(configDirectory + "/NetworkManager.conf").ifPresent(texts::add);
                for (String name : remote.list(configDirectory + "/conf.d")) {
                    if (name.endsWith(".conf")) {
                        Optional<String> text = remote.getText(configDirectory + "/conf.d/" + name);
                        text.ifPresent(texts::add);
                    }
                }
                boolean running = remote.run("sh", "-c", NM_RUNS_HERE).ok();
                return NetworkManagerConfig.parse(texts).facts(running);
            } catch (RemoteException e) {
                throw new SnapshotException("cannot read NetworkManager's configuration on " + remote.name() + ": "
                        + e.getMessage(), e);
            }
        };
        return configured.withActivatedDevices(bus);
    }

    /**
     * udev's facts for the node behind the remote: its /etc/machine-id and the .link files in its
     * /etc/systemd/network. Not inspected where the node has no readable machine id (a lab node before it ran any of
     * its daemons' tools has none of its own).
     */
    public static dev.vxlab.detectors.state.UdevFacts udev(Remote remote) {
        try {
            Optional<String> machineId = remote.getText("/etc/machine-id").map(String::strip)
                    .filter(id -> id.matches("[0-9a-fA-F]{32}"));
            if (machineId.isEmpty()) {
                return dev.vxlab.detectors.state.UdevFacts.NOT_INSPECTED;
            }
            List<dev.vxlab.detectors.state.UdevFacts.LinkFile> files = new ArrayList<>();
            for (String name : remote.list("/etc/systemd/network")) {
                if (name.endsWith(".link")) {
                    remote.getText("/etc/systemd/network/" + name)
                            .ifPresent(text -> files.add(dev.vxlab.detectors.state.UdevFacts.LinkFile.parse(name, text)));
                }
            }
            return new dev.vxlab.detectors.state.UdevFacts(true, machineId, files);
        } catch (RemoteException | RuntimeException e) {
            return dev.vxlab.detectors.state.UdevFacts.NOT_INSPECTED;
        }
    }

    /** A snapshot source for the node behind the remote. */
    public static SnapshotSource snapshots(Remote remote, NmFactsSource nm) throws SnapshotException {
        return IpJsonSource.of(commands(remote), nm);
    }

    /**
     * The node's packet filter: {@code nft -j list ruleset} (nftables, iptables-nft's tables included) and whether
     * bridged IPv4 frames pass the ip hooks ({@code /proc/sys/net/bridge/bridge-nf-call-iptables}, absent without
     * br_netfilter), in one round trip. {@link Ruleset#NOT_INSPECTED} where nft is missing, not permitted or prints
     * something else: the doctor then says so once ({@code firewallStatus}).
     */
    public static Ruleset firewall(Remote remote) {
        return readFirewall(remote).ruleset();
    }

    /**
     * nft's ruleset, bridge-nf-call-iptables, and iptables-legacy's filter and nat tables where the node has them (the
     * iptables-legacy-save of Debian's alternatives, or an iptables-save that says it is legacy, as on CentOS 7).
     */
    private static final String FIREWALL_SCRIPT = "nft -j list ruleset || exit $?; echo; echo bridge-nf-call-iptables="
            + "$(cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null || echo 0); "
            + "if command -v iptables-legacy-save >/dev/null 2>&1; then echo legacy-tool=iptables-legacy; "
            + "iptables-legacy-save -t filter 2>/dev/null; iptables-legacy-save -t nat 2>/dev/null; "
            + "elif iptables-save -V 2>/dev/null | grep -q legacy; then echo legacy-tool=iptables; "
            + "iptables-save -t filter 2>/dev/null; iptables-save -t nat 2>/dev/null; fi; exit 0";

    /** The ruleset, and when it could not be read, why (one sentence for the doctor to print once). */
    public record FirewallRead(Ruleset ruleset, java.util.Optional<String> notInspected) {}

    public static FirewallRead readFirewall(Remote remote) {
        CommandResult result;
        try {
            result = remote.run("sh", "-c", FIREWALL_SCRIPT);
        } catch (RuntimeException e) {
            return notRead("'nft -j list ruleset' could not run on " + remote.name() + ": " + e.getMessage());
        }
        if (!result.ok()) {
            String err = result.stderr().strip();
            return notRead(result.exitCode() == 127 || err.contains("not found")
                    ? "nft is not installed on " + remote.name()
                    : "'nft -j list ruleset' failed on " + remote.name() + " (exit " + result.exitCode() + ": "
                            + (err.isEmpty() ? "no message" : err.lines().findFirst().orElse(err)) + ")");
        }
        String out = result.stdout();
        int marker = out.lastIndexOf("\nbridge-nf-call-iptables=");
        int legacy = out.indexOf("\nlegacy-tool=", Math.max(marker, 0));
        boolean bridged = marker >= 0 && out.substring(marker).strip().startsWith("bridge-nf-call-iptables=1");
        try {
            Ruleset ruleset = Ruleset.parse(marker >= 0 ? out.substring(0, marker) : out).withBridgeFiltered(bridged);
            if (legacy >= 0) {
                String rest = out.substring(legacy + "\nlegacy-tool=".length());
                int eol = rest.indexOf('\n');
                String tool = (eol < 0 ? rest : rest.substring(0, eol)).strip();
                ruleset = ruleset.withChains(IptablesSave.parseAll(eol < 0 ? "" : rest.substring(eol + 1), tool));
            }
            return new FirewallRead(ruleset, java.util.Optional.empty());
        } catch (IllegalArgumentException e) {
            return notRead("nft's JSON on " + remote.name() + " could not be read: " + e.getMessage());
        }
    }

    private static FirewallRead notRead(String why) {
        return new FirewallRead(Ruleset.NOT_INSPECTED, java.util.Optional.of(why
                + "; the packet filter was not inspected"));
    }
}
