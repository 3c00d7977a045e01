package dev.vxlab.lab.testnet;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.netns.NetnsExecutor;
import dev.vxlab.detectors.remote.CommandFailedException;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test fixture: a few network namespaces ("hosts"), each with {@code eth0} on one bridge that lives in its own
 * switch namespace, IPv6 off, addresses from a /24 that no other fixture in this JVM uses. Closing deletes every
 * namespace it made. Only for use inside the lab sandbox (the test JVM's own namespace is never touched).
 */
public final class LabNetwork implements AutoCloseable {
    private static final AtomicInteger NEXT = new AtomicInteger(1);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

    private final String id;
    private final Ipv4Prefix prefix;
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final List<String> namespaces = new ArrayList<>();

    /** One namespace on the bridge. */
    public record Host(String name, String namespace, Ipv4 ip, NetnsExecutor netns) {}

    private LabNetwork(int n) {
        this.id = "vxt" + n;
        this.prefix = Ipv4Prefix.parse("10.240." + n + ".0/24");
    }

    public static LabNetwork create(String... hostNames) throws Exception {
        LabNetwork net = new LabNetwork(NEXT.getAndIncrement());
        try {
            net.build(hostNames);
            return net;
        } catch (Exception e) {
            net.close();
            throw e;
        }
    }

    private void build(String... hostNames) throws Exception {
        String sw = addNamespace("sw");
        sh("ip", "-n", sw, "link", "add", "br0", "type", "bridge");
        sh("ip", "-n", sw, "link", "set", "br0", "up");
        for (int i = 0; i < hostNames.length; i++) {
            String name = hostNames[i];
            String ns = addNamespace(name);
            Ipv4 ip = prefix.host(10 + i);
            String port = "p-" + name;
            sh("ip", "link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", port, "netns", sw);
            sh("ip", "-n", sw, "link", "set", port, "master", "br0", "up");
            sh("ip", "-n", ns, "addr", "add", ip + "/" + prefix.length(), "dev", "eth0");
            sh("ip", "-n", ns, "link", "set", "eth0", "up");
            hosts.put(name, new Host(name, ns, ip, NetnsExecutor.open(Path.of("/run/netns", ns))));
        }
    }

    private String addNamespace(String suffix) throws CommandFailedException {
        String ns = id + "-" + suffix;
        dev.vxlab.detectors.testkit.SandboxGuard.require();
        sh("ip", "netns", "add", ns);
        namespaces.add(ns);
        sh("ip", "-n", ns, "link", "set", "lo", "up");
        sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                "net.ipv6.conf.default.disable_ipv6=1");
        return ns;
    }

    public Host host(String name) {
        Host host = hosts.get(name);
        if (host == null) {
            throw new IllegalArgumentException("no host " + name + " in " + hosts.keySet());
        }
        return host;
    }

    public Ipv4Prefix prefix() {
        return prefix;
    }

    /** An address in this network's /24 that no host has. */
    public Ipv4 unusedIp() {
        return prefix.host(200);
    }

    /** Runs argv inside the host's namespace ({@code ip netns exec}); throws when it fails. */
    public CommandResult in(String host, String... argv) throws CommandFailedException {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", host(host).namespace()));
        command.addAll(List.of(argv));
        return ProcessRunner.run(command, COMMAND_TIMEOUT).orThrow();
    }

    /** Loads an nft script inside the host's namespace. */
    public void nft(String host, String script) throws CommandFailedException {
        ProcessRunner.run(List.of("ip", "netns", "exec", host(host).namespace(), "nft", "-f", "-"), script,
                COMMAND_TIMEOUT).orThrow();
    }

    public static CommandResult sh(String... argv) throws CommandFailedException {
        return ProcessRunner.run(List.of(argv), COMMAND_TIMEOUT).orThrow();
    }

    @Override
    public void close() {
        hosts.values().forEach(host -> host.netns().close());
        for (String ns : namespaces.reversed()) {
            ProcessRunner.run(List.of("ip", "netns", "del", ns), COMMAND_TIMEOUT);
        }
    }
}
