package dev.vxlab.lab.capture;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.netns.NetnsExecutor;
import dev.vxlab.detectors.remote.CommandFailedException;
import dev.vxlab.detectors.remote.ProcessRunner;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * A client and a server namespace joined by one veth pair, with test-unique names, MACs and a test-unique /24 out
 * of 10.0.0.0/8. IPv6 is off in both so captures hold only what the test sends (and ARP). Closing deletes both
 * namespaces, which deletes the veth pair with them.
 */
final class TwoNamespaces implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    final String clientNs;
    final String serverNs;
    final String clientDev;
    final String serverDev;
    final Ipv4 clientIp;
    final Ipv4 serverIp;
    final MacAddress clientMac;
    final MacAddress serverMac;

    private TwoNamespaces(String id, Ipv4Prefix prefix) {
        clientNs = "capc-" + id;
        serverNs = "caps-" + id;
        clientDev = "vc" + id;
        serverDev = "vs" + id;
        clientIp = prefix.host(2);
        serverIp = prefix.host(1);
        clientMac = MacAddress.randomLocal(RANDOM);
        serverMac = MacAddress.randomLocal(RANDOM);
    }

    static TwoNamespaces create() throws CommandFailedException {
        String id = HexFormat.of().toHexDigits(RANDOM.nextInt() & 0xffffff, 6);
        Ipv4Prefix prefix = Ipv4Prefix.parse("10.0.0.0/8").subnet(24, RANDOM.nextInt(1 << 16));
        TwoNamespaces lab = new TwoNamespaces(id, prefix);
        try {
            lab.build(prefix.length());
        } catch (CommandFailedException | RuntimeException e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    private void build(int prefixLength) throws CommandFailedException {
        dev.vxlab.detectors.testkit.SandboxGuard.require();
        ip("netns", "add", clientNs);
        ip("netns", "add", serverNs);
        ip("link", "add", clientDev, "address", clientMac.toString(), "netns", clientNs, "type", "veth",
                "peer", "name", serverDev, "address", serverMac.toString(), "netns", serverNs);
        configure(clientNs, clientDev, clientIp + "/" + prefixLength);
        configure(serverNs, serverDev, serverIp + "/" + prefixLength);
    }

    private static void configure(String ns, String dev, String address) throws CommandFailedException {
        inNamespace(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
        inNamespace(ns, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1");
        ip("-n", ns, "link", "set", "lo", "up");
        ip("-n", ns, "addr", "add", address, "dev", dev);
        ip("-n", ns, "link", "set", dev, "up");
    }

    static void ip(String... args) throws CommandFailedException {
        ProcessRunner.run(List.of(concat("ip", args)), Duration.ofSeconds(20)).orThrow();
    }

    static void inNamespace(String ns, String... argv) throws CommandFailedException {
        ProcessRunner.run(List.of(concat(new String[] {"ip", "netns", "exec", ns}, argv)), Duration.ofSeconds(20))
                .orThrow();
    }

    /** A listening socket owned by the server namespace; the kernel completes handshakes without accept(). */
    ServerSocketChannel listen(int port) throws Exception {
        try (NetnsExecutor server = NetnsExecutor.open(Path.of("/run/netns", serverNs))) {
            return server.call(() -> {
                ServerSocketChannel channel = ServerSocketChannel.open();
                channel.bind(new InetSocketAddress(serverIp.toInetAddress(), port));
                return channel;
            });
        }
    }

    /** Connects from the client namespace (blocking, kernel timeouts only); returns "connected" or the error. */
    String connectFromClient(int port) throws Exception {
        try (NetnsExecutor client = NetnsExecutor.open(Path.of("/run/netns", clientNs))) {
            return client.call(() -> {
                try (SocketChannel channel = SocketChannel.open()) {
                    channel.connect(new InetSocketAddress(serverIp.toInetAddress(), port));
                    return "connected";
                } catch (IOException e) {
                    return e.getMessage();
                }
            });
        }
    }

    /** Sends datagrams of 18 bytes as fast as the client's socket takes them. */
    void sendDatagramsFromClient(int port, int count) throws Exception {
        try (NetnsExecutor client = NetnsExecutor.open(Path.of("/run/netns", clientNs))) {
            client.call(() -> {
                try (DatagramChannel channel = DatagramChannel.open()) {
                    InetSocketAddress server = new InetSocketAddress(serverIp.toInetAddress(), port);
                    for (int i = 0; i < count; i++) {
                        channel.send(ByteBuffer.wrap("vxlab capture test".getBytes(StandardCharsets.US_ASCII)), server);
                    }
                }
                return null;
            });
        }
    }

    private static String[] concat(String first, String[] rest) {
        return concat(new String[] {first}, rest);
    }

    private static String[] concat(String[] first, String[] rest) {
        String[] all = java.util.Arrays.copyOf(first, first.length + rest.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }

    @Override
    public void close() {
        ProcessRunner.run(List.of("ip", "netns", "del", clientNs), Duration.ofSeconds(20));
        ProcessRunner.run(List.of("ip", "netns", "del", serverNs), Duration.ofSeconds(20));
    }
}
