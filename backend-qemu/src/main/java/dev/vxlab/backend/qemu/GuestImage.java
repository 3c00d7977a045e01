package dev.vxlab.backend.qemu;

import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.lab.LabException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * The arm64 node image: Debian's arm64 kernel and an initramfs holding busybox, the QEMU guest agent and the tools a
 * node needs (iproute2, tcpdump, ethtool, nft, curl, dig, dnsmasq) with exactly the shared libraries their ELF files
 * name, plus the kernel modules for virtio, VXLAN, bridges, veths and nf_tables with their dependencies. Everything
 * comes from Debian's packages; it is built once and cached under the user's cache directory, keyed by the package
 * versions (and this builder's format), so a Debian update builds a new image.
 */
public final class GuestImage {
    /** Bump when the image's layout or its /init changes: old cached images are then rebuilt. */
    static final String FORMAT = "3";
    static final List<String> SEED_PACKAGES = List.of("busybox-static", "qemu-guest-agent", "iproute2", "tcpdump",
            "ethtool", "nftables", "curl", "bind9-dnsutils", "dnsmasq-base", "libc6");
    static final List<String> PROGRAMS = List.of("qemu-ga", "ip", "bridge", "tcpdump", "ethtool", "nft", "curl",
            "dig", "dnsmasq");
    static final List<String> MODULES = List.of("virtio_mmio", "virtio_pci", "virtio_net", "virtio_console", "veth",
            "bridge", "br_netfilter", "vxlan", "nf_tables", "nf_conntrack", "nf_nat", "nft_ct", "nft_nat", "nft_chain_nat",
            "nft_masq", "nft_numgen");
    private static final Duration LISTS_MAX_AGE = Duration.ofDays(7);
    private static final List<String> LIBRARY_DIRS = List.of("lib/aarch64-linux-gnu", "usr/lib/aarch64-linux-gnu",
            "lib", "usr/lib");
    private static final List<String> PROGRAM_DIRS = List.of("usr/sbin", "usr/bin", "sbin", "bin");

    /** A built image. */
    public record Built(Path directory, Path kernel, Path initrd, String kernelVersion, String key) {}

    private final Path cache;
    private final Consumer<String> progress;

    public GuestImage(Path cache, Consumer<String> progress) {
        this.cache = cache;
        this.progress = progress;
    }

    /** $XDG_CACHE_HOME/vxlab/qemu, else ~/.cache/vxlab/qemu. */
    public static Path defaultCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("vxlab").resolve("qemu");
    }

    /** The image built last on this machine, without any network (for processes inside the lab sandbox). */
    public Optional<Built> current() {
        try {
            Path pointer = cache.resolve("current");
            if (!Files.exists(pointer)) {
                return Optional.empty();
            }
            return load(cache.resolve("images").resolve(Files.readString(pointer).strip()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The image for Debian's current arm64 packages: the cached one, or built now (needs the network). */
    public Built ensure() throws LabException {
        AptArm64 apt = new AptArm64(cache.resolve("apt"));
        if (!apt.hasLists() || listsAge().compareTo(LISTS_MAX_AGE) > 0) {
            step(1, "fetching Debian's arm64 package lists");
            apt.update();
        }
        // Resolving the packages takes several apt-cache runs: skip it while the lists are the ones last resolved.
        String lists = listsStamp();
        Optional<Built> current = current();
        if (current.isPresent() && lists.equals(readOrEmpty(cache.resolve("resolved-lists")))) {
            return current.get();
        }
        Map<String, AptArm64.Package> packages = resolve(apt);
        String key = key(packages);
        Optional<Built> cached = load(cache.resolve("images").resolve(key));
        if (cached.isPresent()) {
            point(key);
            writeQuietly(cache.resolve("resolved-lists"), lists);
            return cached.get();
        }
        long started = System.nanoTime();
        step(2, "downloading " + packages.size() + " arm64 packages");
        Map<String, Path> debs;
        try {
            debs = apt.download(List.copyOf(packages.values()), cache.resolve("debs"));
        } catch (LabException stale) {
            // The lists may name versions the mirror has replaced: refresh them once.
            apt.update();
            packages = resolve(apt);
            key = key(packages);
            debs = apt.download(List.copyOf(packages.values()), cache.resolve("debs"));
        }
        Built built = build(key, packages, debs);
        writeQuietly(cache.resolve("resolved-lists"), listsStamp());
        progress.accept(String.format("qemu image: built %s (kernel %s) in %.1f s", built.directory(),
                built.kernelVersion(), (System.nanoTime() - started) / 1e9));
        return built;
    }

    /** The package lists' names, sizes and times: when it changes, the packages are resolved again. */
    private String listsStamp() {
        try (Stream<Path> files = Files.list(cache.resolve("apt/lists"))) {
            StringBuilder stamp = new StringBuilder("format=" + FORMAT + "\n"); // a new format resolves again too
            for (Path f : files.sorted().toList()) {
                stamp.append(f.getFileName()).append(' ').append(Files.size(f)).append(' ')
                        .append(Files.getLastModifiedTime(f).toMillis()).append('\n');
            }
            return stamp.toString();
        } catch (IOException e) {
            return "";
        }
    }

    private static String readOrEmpty(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private static void writeQuietly(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException ignored) {
            // only a shortcut for the next run
        }
    }

    private Duration listsAge() {
        try (Stream<Path> files = Files.list(cache.resolve("apt/lists"))) {
            Instant newest = files.map(f -> {
                try {
                    return Files.getLastModifiedTime(f).toInstant();
                } catch (IOException e) {
                    return Instant.EPOCH;
                }
            }).max(Comparator.naturalOrder()).orElse(Instant.EPOCH);
            return Duration.between(newest, Instant.now());
        } catch (IOException e) {
            return Duration.ofDays(365);
        }
    }

    /** The kernel, the seed packages and every library package they depend on (first alternatives only). */
    private static Map<String, AptArm64.Package> resolve(AptArm64 apt) throws LabException {
        String kernel = apt.show(List.of("linux-image-arm64")).values().stream()
                .flatMap(p -> p.depends().stream()).filter(d -> d.startsWith("linux-image-")).findFirst()
                .orElseThrow(() -> new LabException("Debian's linux-image-arm64 names no kernel package"));
        Map<String, AptArm64.Package> found = new TreeMap<>();
        Set<String> asked = new LinkedHashSet<>(SEED_PACKAGES);
        asked.add(kernel);
        List<String> wave = List.copyOf(asked);
        while (!wave.isEmpty()) {
            Map<String, AptArm64.Package> shown = apt.show(wave);
            List<String> next = new ArrayList<>();
            for (String name : wave) {
                AptArm64.Package p = shown.get(name);
                if (p == null) {
                    if (SEED_PACKAGES.contains(name) || name.equals(kernel)) {
                        throw new LabException("apt has no arm64 package " + name);
                    }
                    continue; // a virtual library package; the ELF check below says if anything is really missing
                }
                found.put(name, p);
                for (String dep : p.depends()) {
                    if (isLibraryPackage(dep) && asked.add(dep)) {
                        next.add(dep);
                    }
                }
            }
            wave = next;
        }
        return found;
    }

    private static boolean isLibraryPackage(String name) {
        return name.startsWith("lib") || name.endsWith("-libs") || name.equals("zlib1g");
    }

    private static String key(Map<String, AptArm64.Package> packages) throws LabException {
        StringBuilder text = new StringBuilder("format=" + FORMAT + "\n");
        packages.values().forEach(p -> text.append(p.name()).append('=').append(p.version()).append('\n'));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new LabException("no SHA-256 in this JVM", e);
        }
    }

    private Built build(String key, Map<String, AptArm64.Package> packages, Map<String, Path> debs)
            throws LabException {
        Path images = cache.resolve("images");
        Path work = images.resolve(key + ".tmp-" + ProcessHandle.current().pid());
        try {
            deleteTree(work);
            Path stage = work.resolve("stage");
            Path kern = work.resolve("kernel-tree");
            Path root = work.resolve("root");
            Path out = work.resolve("image");
            Files.createDirectories(out);
            step(3, "unpacking " + debs.size() + " packages");
            for (Map.Entry<String, Path> deb : debs.entrySet()) {
                unpack(deb.getValue(), deb.getKey().startsWith("linux-image-") ? kern : stage);
            }
            step(4, "assembling the node's file system (programs, libraries, kernel modules)");
            String kernelVersion = kernelVersion(kern);
            new RootAssembler(stage, root).assemble(kern, kernelVersion);
            step(5, "writing the initramfs");
            try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(out.resolve("initrd.gz")), 1 << 16)) {
                NewcArchive.write(root, gz);
            }
            Files.copy(kern.resolve("boot/vmlinuz-" + kernelVersion), out.resolve("vmlinuz"));
            StringBuilder manifest = new StringBuilder("format=" + FORMAT + "\nkernel=" + kernelVersion + "\n");
            packages.values().forEach(p -> manifest.append(p.name()).append('=').append(p.version()).append('\n'));
            Files.writeString(out.resolve("manifest"), manifest);
            Path target = images.resolve(key);
            try {
                Files.move(out, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException other) {
                // another process built the same image meanwhile: use theirs
            } catch (AtomicMoveNotSupportedException e) {
                throw new LabException("cannot move the built image into " + target + ": " + e.getMessage(), e);
            }
            point(key);
            return load(target).orElseThrow(() -> new LabException("the built image in " + target + " is incomplete"));
        } catch (IOException e) {
            throw new LabException("cannot build the arm64 node image in " + work + ": " + e.getMessage(), e);
        } finally {
            deleteTree(work);
        }
    }

    private static void unpack(Path deb, Path into) throws LabException, IOException {
        Files.createDirectories(into);
        CommandResult result = HostCommand.run(List.of("dpkg-deb", "-x", deb.toString(), into.toString()),
                into, Duration.ofMinutes(5));
        if (result.exitCode() == 127) {
            throw new LabException("'dpkg-deb' is missing; install it with: apt-get install dpkg");
        }
        if (!result.ok()) {
            throw new LabException("cannot unpack " + deb.getFileName() + ": " + result.stderr().strip());
        }
    }

    private static String kernelVersion(Path kern) throws IOException, LabException {
        try (Stream<Path> dirs = Files.list(kern.resolve("lib/modules"))) {
            return dirs.map(d -> d.getFileName().toString()).findFirst()
                    .orElseThrow(() -> new LabException("the kernel package holds no modules"));
        }
    }

    private Optional<Built> load(Path directory) {
        try {
            Path manifest = directory.resolve("manifest");
            if (!Files.exists(manifest) || !Files.exists(directory.resolve("vmlinuz"))
                    || !Files.exists(directory.resolve("initrd.gz"))) {
                return Optional.empty();
            }
            String kernel = Files.readAllLines(manifest).stream().filter(l -> l.startsWith("kernel="))
                    .map(l -> l.substring("kernel=".length())).findFirst().orElse("?");
            return Optional.of(new Built(directory, directory.resolve("vmlinuz"), directory.resolve("initrd.gz"),
                    kernel, directory.getFileName().toString()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void point(String key) throws LabException {
        try {
            Path tmp = cache.resolve("current.tmp-" + ProcessHandle.current().pid());
            Files.writeString(tmp, key + "\n");
            Files.move(tmp, cache.resolve("current"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new LabException("cannot record the current image in " + cache + ": " + e.getMessage(), e);
        }
    }

    private void step(int n, String what) {
        progress.accept("qemu image: [" + n + "/5] " + what);
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // best effort: a leftover work directory is overwritten by the next build
        }
    }

    /** Builds the node's root tree out of the unpacked packages. */
    static final class RootAssembler {
        private final Path stage;
        private final Path root;

        RootAssembler(Path stage, Path root) {
            this.stage = stage;
            this.root = root;
        }

        void assemble(Path kern, String kernelVersion) throws IOException, LabException {
            for (String dir : List.of("bin", "sbin", "usr/bin", "usr/sbin", "lib/aarch64-linux-gnu", "etc/vxlab",
                    "proc", "sys", "dev", "run", "tmp", "var/tmp", "root")) {
                Files.createDirectories(root.resolve(dir));
            }
            Files.copy(stage.resolve("bin/busybox"), root.resolve("bin/busybox"));
            Files.createSymbolicLink(root.resolve("bin/sh"), Path.of("busybox"));
            Deque<Path> elves = new ArrayDeque<>();
            for (String program : PROGRAMS) {
                Path found = program(program);
                Path target = root.resolve("usr/sbin").resolve(program);
                Files.copy(found, target);
                elves.add(target);
            }
            copyLibraries(elves);
            copyIfPresent(stage.resolve("etc/iproute2"), root.resolve("etc/iproute2"));
            copyIfPresent(stage.resolve("usr/share/iproute2"), root.resolve("usr/share/iproute2"));
            Files.writeString(root.resolve("etc/passwd"),
                    "root:x:0:0:root:/root:/bin/sh\ntcpdump:x:104:109::/nonexistent:/bin/false\n"
                            + "dnsmasq:x:105:65534::/nonexistent:/bin/false\nnobody:x:65534:65534::/nonexistent:/bin/false\n");
            Files.writeString(root.resolve("etc/group"), "root:x:0:\ntcpdump:x:109:\nnogroup:x:65534:\n");
            Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n");
            Files.writeString(root.resolve("etc/nsswitch.conf"), "passwd: files\ngroup: files\nhosts: files dns\n");
            copyModules(kern, kernelVersion);
            try (InputStream init = GuestImage.class.getResourceAsStream("init.sh")) {
                if (init == null) {
                    throw new LabException("the guest's init script is missing from the vxlab jar");
                }
                Files.write(root.resolve("init"), init.readAllBytes());
            }
            root.resolve("init").toFile().setExecutable(true, false);
        }

        private Path program(String name) throws LabException {
            for (String dir : PROGRAM_DIRS) {
                Path candidate = stage.resolve(dir).resolve(name);
                if (Files.isRegularFile(candidate, LinkOption.NOFOLLOW_LINKS)) {
                    return candidate;
                }
            }
            throw new LabException("the arm64 packages hold no program '" + name + "'");
        }

        /** Every library the programs name, and the ones those name, under their sonames. */
        private void copyLibraries(Deque<Path> elves) throws IOException, LabException {
            Map<String, Path> index = libraryIndex();
            Set<String> copied = new LinkedHashSet<>();
            while (!elves.isEmpty()) {
                Path elf = elves.poll();
                for (String soname : ElfFile.read(elf).needed()) {
                    if (!copied.add(soname)) {
                        continue;
                    }
                    Path source = index.get(soname);
                    if (source == null) {
                        throw new LabException("the arm64 packages hold no " + soname + " (needed by "
                                + elf.getFileName() + ")");
                    }
                    Path target = root.resolve("lib/aarch64-linux-gnu").resolve(soname);
                    Files.copy(source, target);
                    elves.add(target);
                }
            }
            // The program interpreter is named by absolute path in every program.
            Files.createSymbolicLink(root.resolve("lib/ld-linux-aarch64.so.1"),
                    Path.of("aarch64-linux-gnu/ld-linux-aarch64.so.1"));
        }

        /** soname -> the real file (symlinks followed inside the staging tree). */
        private Map<String, Path> libraryIndex() throws IOException {
            Map<String, Path> index = new LinkedHashMap<>();
            for (String dir : LIBRARY_DIRS) {
                Path d = stage.resolve(dir);
                if (!Files.isDirectory(d)) {
                    continue;
                }
                try (Stream<Path> files = Files.list(d)) {
                    for (Path f : files.toList()) {
                        Path real = insideStage(f);
                        if (real != null && Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
                            index.putIfAbsent(f.getFileName().toString(), real);
                        }
                    }
                }
            }
            return index;
        }

        /** Follows symlinks as the guest would, where "/" is the staging tree. */
        private Path insideStage(Path path) throws IOException {
            Path p = path;
            for (int hops = 0; hops < 16 && Files.isSymbolicLink(p); hops++) {
                Path target = Files.readSymbolicLink(p);
                p = target.isAbsolute() ? stage.resolve(target.toString().substring(1)) : p.resolveSibling(target);
            }
            return Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(p) ? p.normalize() : null;
        }

        /** The wanted modules and their dependencies (from each .ko's modinfo), in an order insmod accepts. */
        private void copyModules(Path kern, String kernelVersion) throws IOException, LabException {
            Path tree = kern.resolve("lib/modules").resolve(kernelVersion);
            Map<String, Path> modules = new HashMap<>();
            try (Stream<Path> walk = Files.walk(tree)) {
                walk.filter(p -> p.getFileName().toString().endsWith(".ko")).forEach(p -> modules.put(
                        p.getFileName().toString().replace(".ko", "").replace('-', '_'), p));
            }
            List<String> order = new ArrayList<>();
            Set<String> visiting = new LinkedHashSet<>();
            Aliases aliases = new Aliases(modules);
            for (String module : MODULES) {
                visit(module, modules, aliases, order, visiting);
            }
            StringBuilder list = new StringBuilder();
            for (String module : order) {
                Path source = modules.get(module);
                String relative = tree.relativize(source).toString();
                Path target = root.resolve("lib/modules").resolve(kernelVersion).resolve(relative);
                Files.createDirectories(target.getParent());
                Files.copy(source, target);
                list.append(relative).append('\n');
            }
            Files.writeString(root.resolve("etc/vxlab/modules"), list);
        }

        private static void visit(String wanted, Map<String, Path> modules, Aliases aliases, List<String> order,
                Set<String> visiting) throws IOException, LabException {
            String module = modules.containsKey(wanted) ? wanted : aliases.module(wanted);
            if (order.contains(module) || !visiting.add(module)) {
                return;
            }
            ElfFile elf = ElfFile.read(modules.get(module));
            List<String> before = new ArrayList<>();
            for (String dep : elf.modinfo("depends").orElse("").split(",")) {
                if (!dep.isBlank()) {
                    before.add(dep.strip().replace('-', '_'));
                }
            }
            // "softdep=pre: crc32c": modprobe loads those first (libcrc32c cannot start without a crc32c).
            String softdep = elf.modinfo("softdep").orElse("");
            if (softdep.startsWith("pre:")) {
                String pre = softdep.substring(4).split("post:")[0];
                for (String dep : pre.strip().split("\\s+")) {
                    if (!dep.isBlank()) {
                        before.addFirst(dep.replace('-', '_'));
                    }
                }
            }
            for (String dep : before) {
                visit(dep, modules, aliases, order, visiting);
            }
            order.add(module);
        }

        /** A module by one of its aliases (crc32c is crc32c_generic), read from the modules' modinfo when asked. */
        private static final class Aliases {
            private final Map<String, Path> modules;
            private Map<String, String> byAlias;

            Aliases(Map<String, Path> modules) {
                this.modules = modules;
            }

            String module(String alias) throws IOException, LabException {
                if (byAlias == null) {
                    byAlias = new HashMap<>();
                    for (Map.Entry<String, Path> m : new TreeMap<>(modules).entrySet()) {
                        for (String a : ElfFile.read(m.getValue()).modinfoAll("alias")) {
                            byAlias.putIfAbsent(a, m.getKey());
                        }
                    }
                }
                String module = byAlias.get(alias);
                if (module == null) {
                    throw new LabException("the arm64 kernel has no module " + alias);
                }
                return module;
            }
        }

        private static void copyIfPresent(Path from, Path to) throws IOException {
            if (!Files.isDirectory(from)) {
                return;
            }
            try (Stream<Path> walk = Files.walk(from)) {
                for (Path p : walk.toList()) {
                    Path target = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else if (!Files.isSymbolicLink(p)) {
                        Files.copy(p, target);
                    }
                }
            }
        }
    }

}
