package dev.vxlab.backend.qemu;

import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.lab.LabException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Debian's arm64 packages through apt with a private state directory: package lists, versions, dependencies and
 * downloads for arm64 without {@code dpkg --add-architecture} or root, and without touching this machine's apt
 * state. The sources are this machine's own (/etc/apt).
 */
final class AptArm64 {
    private static final Duration UPDATE_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration QUERY_TIMEOUT = Duration.ofMinutes(1);

    /** One package as the lists describe it. */
    record Package(String name, String version, String architecture, List<String> depends) {
        /** The file name apt-get download gives it (the epoch's colon is escaped). */
        String debFile() {
            return name + "_" + version.replace(":", "%3a") + "_" + architecture + ".deb";
        }
    }

    private final Path state;

    AptArm64(Path state) {
        this.state = state;
    }

    boolean hasLists() {
        try (var files = Files.list(state.resolve("lists"))) {
            return files.anyMatch(f -> f.getFileName().toString().contains("_Packages"));
        } catch (IOException e) {
            return false;
        }
    }

    void update() throws LabException {
        CommandResult result = run("apt-get", List.of("update"), state, UPDATE_TIMEOUT);
        if (!result.ok() || !hasLists()) {
            throw new LabException("cannot fetch Debian's arm64 package lists (apt-get update): " + lastLine(result));
        }
    }

    /** The candidate version and dependencies of each named package; names apt does not know are left out. */
    Map<String, Package> show(List<String> names) throws LabException {
        List<String> args = new ArrayList<>(List.of("show", "--no-all-versions"));
        args.addAll(names);
        CommandResult result = run("apt-cache", args, state, QUERY_TIMEOUT);
        Map<String, Package> found = new LinkedHashMap<>();
        for (String stanza : result.stdout().split("\n\n")) {
            Map<String, String> fields = fields(stanza);
            if (fields.containsKey("Package") && fields.containsKey("Version")) {
                List<String> depends = new ArrayList<>(firstAlternatives(fields.getOrDefault("Pre-Depends", "")));
                depends.addAll(firstAlternatives(fields.getOrDefault("Depends", "")));
                found.put(fields.get("Package"), new Package(fields.get("Package"), fields.get("Version"),
                        fields.getOrDefault("Architecture", "arm64"), depends));
            }
        }
        if (found.isEmpty()) {
            throw new LabException("apt knows none of the arm64 packages " + names + ": " + lastLine(result));
        }
        return found;
    }

    /** Downloads the packages not yet in {@code directory}; returns each package's .deb. */
    Map<String, Path> download(List<Package> packages, Path directory) throws LabException {
        List<String> missing = new ArrayList<>();
        for (Package p : packages) {
            if (!Files.exists(directory.resolve(p.debFile()))) {
                missing.add(p.name() + ":arm64=" + p.version());
            }
        }
        if (!missing.isEmpty()) {
            List<String> args = new ArrayList<>(List.of("download"));
            args.addAll(missing);
            CommandResult result = run("apt-get", args, directory, DOWNLOAD_TIMEOUT);
            if (!result.ok()) {
                throw new LabException("cannot download Debian's arm64 packages (apt-get download): "
                        + lastLine(result));
            }
        }
        Map<String, Path> debs = new LinkedHashMap<>();
        for (Package p : packages) {
            Path deb = directory.resolve(p.debFile());
            if (!Files.exists(deb)) {
                throw new LabException("apt-get download did not write " + deb.getFileName());
            }
            debs.put(p.name(), deb);
        }
        return debs;
    }

    private static Map<String, String> fields(String stanza) {
        Map<String, String> fields = new LinkedHashMap<>();
        String key = null;
        for (String line : stanza.split("\n")) {
            if (line.startsWith(" ") && key != null) {
                fields.merge(key, line, String::concat);
            } else if (line.indexOf(':') > 0) {
                key = line.substring(0, line.indexOf(':'));
                fields.put(key, line.substring(line.indexOf(':') + 1).strip());
            }
        }
        return fields;
    }

    /** "a (>= 1), b | c, d:any" gives [a, b, d]. */
    static List<String> firstAlternatives(String field) {
        List<String> names = new ArrayList<>();
        for (String clause : field.split(",")) {
            String first = clause.split("\\|")[0].strip();
            if (first.isEmpty()) {
                continue;
            }
            String name = first.split("[\\s(\\[]")[0];
            int colon = name.indexOf(':');
            names.add(colon > 0 ? name.substring(0, colon) : name);
        }
        return names;
    }

    private CommandResult run(String tool, List<String> args, Path directory, Duration timeout) throws LabException {
        try {
            Files.createDirectories(state.resolve("lists/partial"));
            Files.createDirectories(state.resolve("cache/archives/partial"));
            if (!Files.exists(state.resolve("status"))) {
                Files.createFile(state.resolve("status"));
            }
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new LabException("cannot create the apt cache in " + state + ": " + e.getMessage(), e);
        }
        List<String> argv = new ArrayList<>(List.of(tool, "-q",
                "-o", "APT::Architecture=arm64", "-o", "APT::Architectures=arm64",
                "-o", "Dir::State=" + state, "-o", "Dir::State::Lists=" + state.resolve("lists"),
                "-o", "Dir::State::status=" + state.resolve("status"), "-o", "Dir::Cache=" + state.resolve("cache"),
                "-o", "Debug::NoLocking=1",
                // apt drops to the _apt user to download; that user cannot write into a user's cache directory.
                "-o", "APT::Sandbox::User=" + System.getProperty("user.name")));
        argv.addAll(args);
        CommandResult result = HostCommand.run(argv, directory, timeout);
        if (result.exitCode() == 127) {
            throw new LabException("'" + tool + "' is missing; the qemu backend needs Debian's apt to fetch the arm64 "
                    + "node image");
        }
        return result;
    }

    private static String lastLine(CommandResult result) {
        List<String> lines = (result.stderr() + "\n" + result.stdout()).lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "exit " + result.exitCode() : lines.getLast().strip();
    }
}
