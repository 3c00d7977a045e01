package dev.vxlab.backend.containers;

import com.github.dockerjava.api.exception.NotFoundException;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.ProcessRunner;
import dev.vxlab.lab.LabException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The node image, built here without a registry: a minbase debootstrap of Debian with the tools a node needs,
 * tarred once into {@code ~/.cache/vxlab/containers/node-KEY.tar} (KEY: a hash of the recipe) and imported into the
 * engine as {@code vxlab-node:KEY}. A lock file keeps two builds from racing; each stage prints one progress line.
 */
final class NodeImage {
    static final String REPOSITORY = "vxlab-node";
    static final String SUITE = "bookworm";
    /**
     * What a node runs: iproute2 and ethtool (flannel's emulation, faults, fixes), tcpdump (captures), nftables
     * (kube-proxy's DNS Service rules), dnsmasq and busybox httpd (the pods' CoreDNS and :9153 body), curl and dig
     * (probes from nodes and pods), procps and iputils-ping (a person's shell).
     */
    static final List<String> PACKAGES = List.of("busybox", "bind9-dnsutils", "curl", "dnsmasq-base", "ethtool",
            "iproute2", "iputils-ping", "nftables", "procps", "tcpdump");
    static final List<String> CHANGES = List.of("CMD [\"sleep\", \"infinity\"]",
            "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    private static final Duration DEBOOTSTRAP = Duration.ofMinutes(20);

    private final Path cache;
    private final Consumer<String> progress;

    NodeImage(Path cache, Consumer<String> progress) {
        this.cache = cache;
        this.progress = progress;
    }

    static Path defaultCache() {
        return Path.of(System.getProperty("user.home"), ".cache", "vxlab", "containers");
    }

    /** The recipe's hash: the suite and the sorted package list, so a changed list builds a new image. */
    static String key() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String recipe = SUITE + "\n" + String.join("\n", PACKAGES.stream().sorted().toList()) + "\n"
                    + String.join("\n", CHANGES);
            return HexFormat.of().formatHex(sha.digest(recipe.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String tag() {
        return REPOSITORY + ":" + key();
    }

    Path tar() {
        return cache.resolve("node-" + key() + ".tar");
    }

    /** The debootstrap command line that makes the root file system. */
    static List<String> debootstrap(Path rootfs, String mirror) {
        return List.of("debootstrap", "--variant=minbase", "--include=" + String.join(",", PACKAGES), SUITE,
                rootfs.toString(), mirror);
    }

    /** The Debian mirror this machine's apt uses (deb822 sources or sources.list), else Debian's own. */
    static String mirror(List<String> sourcesLines) {
        for (String line : sourcesLines) {
            String l = line.strip();
            if (l.startsWith("URIs:")) {
                String[] uris = l.substring("URIs:".length()).strip().split("\\s+");
                if (!uris[0].isEmpty() && !uris[0].contains("security")) {
                    return uris[0];
                }
            }
            if (l.startsWith("deb ") && !l.contains("security")) {
                for (String part : l.substring(4).strip().split("\\s+")) {
                    if (part.startsWith("http://") || part.startsWith("https://") || part.startsWith("file:")) {
                        return part;
                    }
                }
            }
        }
        return "http://deb.debian.org/debian";
    }

    static String machineMirror() {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> sources = Files.list(Path.of("/etc/apt/sources.list.d"))) {
            for (Path p : sources.filter(p -> p.toString().endsWith(".sources") || p.toString().endsWith(".list"))
                    .sorted().toList()) {
                lines.addAll(Files.readAllLines(p));
            }
        } catch (IOException absent) {
            // no drop-in directory
        }
        try {
            lines.addAll(Files.readAllLines(Path.of("/etc/apt/sources.list")));
        } catch (IOException absent) {
            // deb822 only
        }
        return mirror(lines);
    }

    /** The cached tar, building it (debootstrap, needs the network and root) when it is missing. */
    Path ensureTar() throws LabException {
        Path tar = tar();
        if (Files.isRegularFile(tar)) {
            return tar;
        }
        try {
            Files.createDirectories(cache);
            try (FileChannel lockFile = FileChannel.open(cache.resolve("build.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
                    FileLock lock = lockFile.lock()) {
                if (Files.isRegularFile(tar)) {
                    progress.accept("containers: node image " + key() + " was built by another process meanwhile");
                    return tar; // another build finished while this one waited for the lock
                }
                build(tar);
                return tar;
            }
        } catch (IOException e) {
            throw new LabException("cannot build the node image in " + cache + ": " + e.getMessage(), e);
        }
    }

    private void build(Path tar) throws LabException, IOException {
        if (ProcessRunner.run(List.of("sh", "-c", "command -v debootstrap"), Duration.ofSeconds(5)).exitCode() != 0) {
            throw new LabException("the node image needs debootstrap: apt-get install -y debootstrap");
        }
        Path rootfs = Files.createTempDirectory(cache, "rootfs-");
        try {
            String mirror = machineMirror();
            long t0 = System.nanoTime();
            progress.accept("containers: node image " + key() + ": debootstrap " + SUITE + " (minbase + "
                    + PACKAGES.size() + " packages) from " + mirror + " ...");
            CommandResult boot = ProcessRunner.run(debootstrap(rootfs, mirror), DEBOOTSTRAP);
            if (!boot.ok()) {
                throw new LabException("debootstrap failed (exit " + boot.exitCode() + "): " + lastLines(boot));
            }
            progress.accept(String.format("containers: node image: debootstrap took %.0f s; tar ...", seconds(t0)));
            long t1 = System.nanoTime();
            Path partial = cache.resolve("node-" + key() + ".tar.partial");
            // apt's downloaded packages and lists are half the tree and no node needs them
            CommandResult packed = ProcessRunner.run(List.of("tar", "--numeric-owner", "-C", rootfs.toString(),
                    "--exclude=./var/cache/apt/archives/*.deb", "--exclude=./var/lib/apt/lists/*", "-cf",
                    partial.toString(), "."), Duration.ofMinutes(5));
            if (!packed.ok()) {
                Files.deleteIfExists(partial);
                throw new LabException("cannot tar the node's root file system: " + packed.stderr().strip());
            }
            Files.move(partial, tar, StandardCopyOption.ATOMIC_MOVE);
            progress.accept(String.format("containers: node image: %s (%d MB) in %.1f s", tar,
                    Files.size(tar) >> 20, seconds(t1)));
        } finally {
            ProcessRunner.run(List.of("rm", "-rf", "--one-file-system", rootfs.toString()), Duration.ofMinutes(2));
        }
    }

    /**
     * Makes sure the engine has the image: imports the cached tar when it does not, building it first if need be and
     * {@code mayBuild} (not inside the sandbox, which has no network for debootstrap).
     */
    void ensureIn(DockerEngine engine, boolean mayBuild) throws LabException {
        if (present(engine)) {
            return;
        }
        if (!mayBuild && !Files.isRegularFile(tar())) {
            throw new LabException("the node image " + tag() + " is not built yet; vxlab builds it outside the sandbox "
                    + "(debootstrap needs the network) when a command enters the containers backend, and the Maven "
                    + "build's node-image step builds it too");
        }
        Path tar = ensureTar();
        long t0 = System.nanoTime();
        progress.accept("containers: importing " + tar.getFileName() + " into the engine as " + tag() + " ...");
        engine.importImage(tar, REPOSITORY, key(), CHANGES);
        if (!present(engine)) {
            throw new LabException("the engine did not keep the imported node image " + tag());
        }
        progress.accept(String.format("containers: node image %s imported in %.1f s", tag(), seconds(t0)));
    }

    static boolean present(DockerEngine engine) {
        try {
            engine.client().inspectImageCmd(tag()).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static String lastLines(CommandResult result) {
        List<String> lines = (result.stderr() + "\n" + result.stdout()).lines().filter(l -> !l.isBlank()).toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    }
}
