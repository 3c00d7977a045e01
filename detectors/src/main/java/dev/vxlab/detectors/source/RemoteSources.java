package dev.vxlab.detectors.source;

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
}
