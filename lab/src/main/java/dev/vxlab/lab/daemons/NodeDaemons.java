package dev.vxlab.lab.daemons;

import dev.vxlab.detectors.remote.Command;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.detectors.remote.RemoteException;
import dev.vxlab.detectors.remote.RemoteProcess;
import dev.vxlab.lab.LabException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * The real daemons of one lab node (its private system bus, NetworkManager, firewalld), confined: each program runs
 * through the node's {@link Remote} (so in the node's network namespace) under {@code unshare --mount --uts}, where
 * {@code confine.sh} bind-mounts the node's private /run, /var/lib/NetworkManager, /var/lib/firewalld, /var/log,
 * /etc/resolv.conf and its own /etc/NetworkManager and /etc/firewalld, remounts /sys read-only (NetworkManager then
 * does not wait for udev), puts a logging stub over modprobe, and refuses to start anything whose namespaces are not
 * the node's. Daemons are stopped by their PID after checking that PID is that daemon in the node's namespace.
 */
public final class NodeDaemons implements AutoCloseable {
    /** The node directory holding the daemons' private state (run/, nm-state/, fw-state/, log/, the scripts). */
    public static final String STATE = "/var/lib/vxlab/daemons";
    public static final String NM_ETC = "/etc/NetworkManager";
    public static final String FW_ETC = "/etc/firewalld";
    /** Where udev reads the node's .link files (confined runs of udevadm see the node's own). */
    public static final String NETWORK_ETC = "/etc/systemd/network";
    public static final String MACHINE_ID = "/etc/machine-id";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    /** Commands that talk to a daemon over the system bus: the node's remote runs them inside the confinement. */
    static final Set<String> BUS_CLIENTS = Set.of("nmcli", "firewall-cmd", "dbus-send");

    private final Remote remote;
    private final String hostname;
    private final Map<Daemon, RemoteProcess> running = new EnumMap<>(Daemon.class);
    private List<String> launcher;
    private String nodeNet;
    private String busId;

    public NodeDaemons(Remote remote, String hostname) {
        this.remote = remote;
        this.hostname = hostname;
    }

    public String node() {
        return remote.name();
    }

    /** The node's remote with bus clients (nmcli, firewall-cmd) sent into the confinement; everything else as is. */
    public Remote remote() {
        return new ConfinedRemote(remote, this);
    }

    public boolean running(Daemon daemon) {
        RemoteProcess process = running.get(daemon);
        return process != null && process.alive();
    }

    /**
     * Writes NetworkManager's configuration variants (a trigger and a prevention may go together); ours not listed are
     * removed, the user's own files stay. A running NetworkManager reads them at its next restart or reload. Returns
     * what was written, node path to text.
     */
    public Map<String, String> configure(List<NmConfig> configs) throws LabException {
        prepare();
        Map<String, String> written = new java.util.LinkedHashMap<>();
        try {
            for (NmConfig other : NmConfig.values()) {
                if (!configs.contains(other)) {
                    remote.run("rm", "-f", remote.processPath(other.dropIn()));
                }
            }
            for (NmConfig config : configs) {
                if (config == NmConfig.DEFAULT) {
                    continue;
                }
                String text = config == NmConfig.UNDERLAY_PROFILE ? underlayProfile() : config.content();
                remote.put(config.dropIn(), text);
                if (config == NmConfig.UNDERLAY_PROFILE) {
                    // NetworkManager ignores a keyfile that others may read.
                    remote.run("chmod", "600", remote.processPath(config.dropIn())).orThrow();
                }
                written.put(config.dropIn(), text);
            }
            return written;
        } catch (dev.vxlab.detectors.remote.CommandFailedException e) {
            throw new LabException("cannot write NetworkManager's configuration on node " + node() + ": "
                    + e.getMessage(), e);
        } catch (RemoteException e) {
            throw new LabException("cannot write NetworkManager's configuration on node " + node() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The underlay's profile for this node: eth0's IPv4 address and default gateway as the node has them now. */
    private String underlayProfile() throws LabException {
        String device = "eth0";
        String address = remote.run("ip", "-o", "-4", "addr", "show", "dev", device).stdout().lines()
                .map(l -> l.replaceAll(".*\\binet ([0-9./]+).*", "$1")).filter(a -> a.matches("[0-9./]+")).findFirst()
                .orElseThrow(() -> new LabException("node " + node() + " has no IPv4 address on " + device
                        + " to write its NetworkManager profile from"));
        Optional<String> gateway = remote.run("ip", "-o", "-4", "route", "show", "default", "dev", device).stdout()
                .lines().map(l -> l.replaceAll(".*\\bvia ([0-9.]+).*", "$1")).filter(g -> g.matches("[0-9.]+"))
                .findFirst();
        return NmConfig.UNDERLAY_PROFILE.render(device, address, gateway);
    }

    /** Writes firewalld's configuration variant into the node's /etc/firewalld. */
    public void configure(FirewalldConfig config) throws LabException {
        prepare();
        config.apply(remote);
    }

    /** Starts a daemon (and the node's private bus first); returns once it answers on that bus. */
    public void start(Daemon daemon) throws LabException {
        if (running(daemon)) {
            return;
        }
        prepare();
        if (daemon != Daemon.DBUS && !running(Daemon.DBUS)) {
            start(Daemon.DBUS);
        }
        preflight(daemon);
        RemoteProcess process;
        try {
            process = remote.start(confined(daemon.argv(processPath(STATE + "/system-bus.conf"))));
        } catch (RemoteException e) {
            throw new LabException("cannot start " + daemon.comm() + " on node " + node() + ": " + e.getMessage(), e);
        }
        running.put(daemon, process);
        awaitReady(daemon, process);
        if (daemon == Daemon.DBUS) {
            busId = busId().orElseThrow(() -> new LabException("node " + node() + "'s private bus has no id"));
        }
    }

    public void stop(Daemon daemon) throws LabException {
        RemoteProcess process = running.remove(daemon);
        if (process == null) {
            return;
        }
        OptionalLong pid = process.pid();
        if (pid.isPresent() && process.alive()) {
            // Signal only a PID that is still this daemon in this node's namespace (a PID can be reused).
            String comm = remote.run("cat", "/proc/" + pid.getAsLong() + "/comm").stdout().strip();
            String net = remote.run("readlink", "/proc/" + pid.getAsLong() + "/ns/net").stdout().strip();
            if (!comm.equals(daemon.comm()) || !net.equals(nodeNet)) {
                throw new LabException("not stopping PID " + pid.getAsLong() + " on node " + node() + ": it is '"
                        + comm + "' in " + net + ", not " + daemon.comm() + " in " + nodeNet);
            }
        }
        process.stop(STOP_GRACE);
    }

    public void restart(Daemon daemon) throws LabException {
        stop(daemon);
        start(daemon);
    }

    /** Runs a command inside the node's confinement (nmcli, firewall-cmd, ...), against its private bus. */
    public CommandResult run(List<String> argv) throws LabException {
        prepare();
        CommandResult result = remote.run(Command.of(confined(argv)).withTimeout(Duration.ofSeconds(60)));
        if (result.ok() && argv.size() == 6 && argv.subList(0, 3).equals(List.of("nmcli", "device", "set"))
                && argv.get(4).equals("managed")) {
            awaitManaged(argv.get(3), argv.get(5).equals("yes"));
        }
        return result;
    }

    /**
     * {@code nmcli device set DEV managed yes} returns before NetworkManager has taken the device over; a connect
     * right after it fails ("cannot get interface name"). Wait (briefly: a device that stays unmanaged, as the
     * unmanaged-devices drop-in keeps it, is an answer too) the way a person would look at {@code nmcli device}.
     */
    private void awaitManaged(String device, boolean managed) throws LabException {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < deadline) {
            CommandResult state = remote.run(Command.of(confined(List.of("nmcli", "-g", "GENERAL.STATE", "device",
                    "show", device))));
            // Managed, a device with addresses of its own settles at "connected (externally)" once NetworkManager has
            // generated the profile that describes it; before that (unavailable, disconnected) a connect fails.
            if (state.ok() && (managed ? state.stdout().contains("connected") && !state.stdout().contains("disconnected")
                    : state.stdout().contains("unmanaged"))) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** What a daemon printed so far (its log: the daemons log to their console here). */
    public String log(Daemon daemon) {
        RemoteProcess process = running.get(daemon);
        return process == null ? "" : process.stderrSoFar() + process.stdoutSoFar();
    }

    @Override
    public void close() {
        for (Daemon daemon : List.of(Daemon.NETWORK_MANAGER, Daemon.FIREWALLD, Daemon.DBUS)) {
            try {
                stop(daemon);
            } catch (LabException e) {
                // Not ours any more: leave it. The sandbox ends every process it holds anyway.
            }
        }
    }

    /** The argv that runs a program confined on the node. */
    List<String> confined(List<String> argv) throws LabException {
        prepare();
        List<String> out = new ArrayList<>(launcher);
        out.addAll(argv);
        return out;
    }

    private void prepare() throws LabException {
        if (launcher != null) {
            return;
        }
        try {
            // Fresh for every lab: a report directory may be reused, and a stale socket or lease must not survive.
            remote.run("rm", "-rf", processPath(STATE));
            for (String dir : List.of("run/dbus", "nm-state", "fw-state", "log")) {
                CommandResult mk = remote.run("mkdir", "-p", processPath(STATE + "/" + dir));
                if (!mk.ok()) {
                    throw new LabException("cannot create " + STATE + "/" + dir + " on node " + node() + ": "
                            + mk.stderr().strip());
                }
            }
            remote.put(STATE + "/confine.sh", resource("confine.sh"));
            remote.put(STATE + "/system-bus.conf", resource("system-bus.conf"));
            remote.put(STATE + "/kmod", resource("kmod-stub.sh"));
            remote.run("chmod", "755", processPath(STATE + "/kmod"));
            remote.put(STATE + "/resolv.conf", "# node " + hostname + "'s own resolv.conf (vxlab)\n");
            seed(NM_ETC, "NetworkManager.conf");
            seed(FW_ETC, "firewalld.conf");
            ownSystemdNetwork();
            nodeNet = remote.run("readlink", "/proc/self/ns/net").orThrow().stdout().strip();
            launcher = List.of("unshare", "--mount", "--uts", "--propagation", "private", "--", "sh",
                    processPath(STATE + "/confine.sh"), processPath(STATE), processPath(NM_ETC), processPath(FW_ETC),
                    hostname, nodeNet, ownNamespace("net"), ownNamespace("mnt"));
        } catch (RemoteException | dev.vxlab.detectors.remote.CommandFailedException e) {
            throw new LabException("cannot prepare node " + node() + " for its daemons: " + e.getMessage(), e);
        }
    }

    /**
     * A namespace node's own /etc/systemd/network (empty: the node's .link files, which udev's net_setup_link reads and
     * the doctor's udev fix writes) and /etc/machine-id (fresh for every lab, so each node's "persistent" MACs are its
     * own, as on real machines). A node whose files are its own (a VM) keeps its own.
     */
    private void ownSystemdNetwork() throws RemoteException, LabException {
        String network = processPath(NETWORK_ETC);
        if (network.equals(NETWORK_ETC)) {
            return;
        }
        remote.run("rm", "-rf", network);
        remote.run("mkdir", "-p", network);
        byte[] id = new byte[16];
        new java.security.SecureRandom().nextBytes(id);
        remote.put(MACHINE_ID, java.util.HexFormat.of().formatHex(id) + "\n");
    }

    /** The node's own copy of a package's configuration directory, made once from this machine's package files. */
    private void seed(String etc, String marker) throws RemoteException, LabException {
        String target = processPath(etc);
        if (!target.equals(etc)) {
            // The lab's own copy of the node's /etc (a namespace node): fresh from the package for every lab.
            remote.run("rm", "-rf", target);
        } else if (remote.run("test", "-e", target + "/" + marker).ok()) {
            return;
        }
        remote.run("mkdir", "-p", target);
        CommandResult copy = remote.run("cp", "-a", etc + "/.", target + "/");
        if (!copy.ok() && etc.equals(FW_ETC)) {
            // Debian's /etc/firewalld is 0750: a rootless launcher cannot read it. Its package defaults do instead.
            remote.run("rm", "-rf", target);
            for (String dir : List.of("zones", "services", "policies", "ipsets", "icmptypes", "helpers")) {
                remote.run("mkdir", "-p", target + "/" + dir);
            }
            remote.put(FW_ETC + "/firewalld.conf", resource("firewalld.conf"));
            return;
        }
        if (!copy.ok()) {
            throw new LabException("cannot copy " + etc + " for node " + node() + " (is its package installed?): "
                    + copy.stderr().strip());
        }
    }

    /**
     * Refuses to start a daemon unless a confined program sees exactly the node's links (and, for a daemon that
     * uses the bus, the node's private bus, the one whose id was read when it started).
     */
    private void preflight(Daemon daemon) throws LabException {
        seesOnlyTheNodesLinks(daemon.comm());
        if (daemon != Daemon.DBUS) {
            Optional<String> id = busId();
            if (id.isEmpty() || !id.get().equals(busId)) {
                throw new LabException("refusing to start " + daemon.comm() + " on node " + node()
                        + ": the system bus it would reach is not the node's private one");
            }
        }
    }

    /** Refuses unless a confined program sees exactly the node's links, in the kernel and in /sys/class/net. */
    private void seesOnlyTheNodesLinks(String what) throws LabException {
        CommandResult inside = run(List.of("ip", "-o", "link", "show"));
        if (!inside.ok()) {
            throw new LabException("refusing to start " + what + " on node " + node() + ": " + inside.stderr().strip());
        }
        Set<String> seen = linkNames(inside.stdout());
        Set<String> node = linkNames(remote.run("ip", "-o", "link", "show").stdout());
        if (!seen.equals(node)) {
            throw new LabException("refusing to start " + what + " on node " + node() + ": it would see links "
                    + seen + ", the node has " + node);
        }
        // udev works on /sys: its view of the network devices must be the node's too (ip netns exec remounts it).
        CommandResult sys = run(List.of("ls", "/sys/class/net"));
        Set<String> inSys = new TreeSet<>(sys.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
        if (!sys.ok() || !inSys.equals(node)) {
            throw new LabException("refusing to start " + what + " on node " + node() + ": /sys/class/net shows "
                    + inSys + ", the node has " + node);
        }
    }

    /**
     * Runs udev's own code confined to the node ({@code udevadm test-builtin net_setup_link /sys/class/net/DEV}: what
     * systemd-udevd does on a network device's add event), after checking it sees only the node's devices. Nothing
     * of udev runs on: no udevd, no uevents; the node's /run, .link files and machine-id are its own.
     */
    public CommandResult udev(List<String> argv) throws LabException {
        if (argv.isEmpty() || !argv.getFirst().equals("udevadm")) {
            throw new LabException("not a udevadm command: " + argv);
        }
        seesOnlyTheNodesLinks("udevadm");
        return run(argv);
    }

    private Optional<String> busId() throws LabException {
        CommandResult result = run(Daemon.DBUS.readiness());
        if (!result.ok()) {
            return Optional.empty();
        }
        return result.stdout().lines().map(String::strip).filter(l -> l.startsWith("string"))
                .map(l -> l.replace("string", "").replace("\"", "").strip()).findFirst();
    }

    private static Set<String> linkNames(String ipOLink) {
        Set<String> names = new TreeSet<>();
        for (String line : ipOLink.lines().toList()) {
            String[] parts = line.split(":\\s+", 3);
            if (parts.length >= 2) {
                names.add(parts[1].replaceAll("@.*", ""));
            }
        }
        return names;
    }

    private void awaitReady(Daemon daemon, RemoteProcess process) throws LabException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.alive()) {
                running.remove(daemon);
                String said = process.stop(Duration.ZERO).stderr().strip();
                throw new LabException(daemon.comm() + " on node " + node() + " exited at start: "
                        + lastLines(said, 3));
            }
            CommandResult probe = run(daemon.readiness());
            if (probe.ok() && daemon.ready(probe.stdout())) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        stop(daemon);
        throw new LabException(daemon.comm() + " on node " + node() + " did not get ready within "
                + READY_TIMEOUT.toSeconds() + " s");
    }

    private static String lastLines(String text, int n) {
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        return String.join(" / ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    private String processPath(String nodePath) throws LabException {
        try {
            return remote.processPath(nodePath);
        } catch (RemoteException e) {
            throw new LabException(e.getMessage(), e);
        }
    }

    /** The launcher's own namespace (this JVM's): a confined daemon must never share it. */
    private static String ownNamespace(String kind) throws LabException {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/ns/" + kind)).toString();
        } catch (IOException e) {
            throw new LabException("cannot read this process's " + kind + " namespace: " + e.getMessage(), e);
        }
    }

    private static byte[] resource(String name) throws LabException {
        try (InputStream in = NodeDaemons.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new LabException("the daemons' resource " + name + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new LabException("cannot read the daemons' resource " + name + ": " + e.getMessage(), e);
        }
    }
}
