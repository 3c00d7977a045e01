package dev.vxlab.lab.persist;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.spec.ClusterSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where persistent labs keep their state: {@code $VXLAB_STATE_DIR}, else {@code $XDG_STATE_HOME/vxlab}, else
 * {@code ~/.local/state/vxlab}; one directory per lab under {@code labs/}, holding lab.json, spec.json, the
 * published nodes.json and subnet.env files, and the daemon's log.
 */
public final class LabStore {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,30}");

    private final Path root;

    public LabStore(Path root) {
        this.root = root;
    }

    public static LabStore fromEnvironment() {
        String explicit = System.getenv("VXLAB_STATE_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return new LabStore(Path.of(explicit));
        }
        String xdg = System.getenv("XDG_STATE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "state");
        return new LabStore(base.resolve("vxlab"));
    }

    public static void checkName(String name) throws LabException {
        if (!NAME.matcher(name).matches()) {
            throw new LabException("a lab name is a lower-case letter then up to 30 letters, digits or '-', not '" + name + "'");
        }
    }

    public Path dir(String name) {
        return root.resolve("labs").resolve(name);
    }

    public void write(LabRecord record) throws LabException {
        try {
            Files.createDirectories(dir(record.name()));
            JSON.writeValue(dir(record.name()).resolve("lab.json").toFile(), record);
        } catch (IOException e) {
            throw new LabException("cannot write the state of lab " + record.name() + ": " + e.getMessage(), e);
        }
    }

    public Optional<LabRecord> read(String name) {
        Path file = dir(name).resolve("lab.json");
        try {
            return Files.exists(file) ? Optional.of(JSON.readValue(file.toFile(), LabRecord.class)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public void writeSpec(String name, ClusterSpec spec) throws LabException {
        try {
            Files.createDirectories(dir(name));
            JSON.writeValue(dir(name).resolve("spec.json").toFile(), spec);
        } catch (IOException e) {
            throw new LabException("cannot write the cluster spec of lab " + name + ": " + e.getMessage(), e);
        }
    }

    public ClusterSpec readSpec(String name) throws LabException {
        try {
            return JSON.readValue(dir(name).resolve("spec.json").toFile(), ClusterSpec.class);
        } catch (IOException e) {
            throw new LabException("lab " + name + " has no readable spec.json; it may still be starting", e);
        }
    }

    /** Every lab that has a directory, alive or not, by name. */
    public List<LabRecord> list() {
        List<LabRecord> labs = new ArrayList<>();
        Path dir = root.resolve("labs");
        if (!Files.isDirectory(dir)) {
            return labs;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            entries.sorted().forEach(p -> read(p.getFileName().toString()).ifPresent(labs::add));
        } catch (IOException e) {
            return labs;
        }
        labs.sort(Comparator.comparing(LabRecord::name));
        return labs;
    }

    /** Whether the lab's daemon still runs (the PID is alive and is our daemon for this lab, not a reused PID). */
    public static boolean alive(LabRecord lab) {
        try {
            String cmdline = Files.readString(Path.of("/proc", Long.toString(lab.sandboxPid()), "cmdline"));
            return cmdline.contains("__daemon") && cmdline.contains(lab.prefix());
        } catch (IOException e) {
            return false;
        }
    }

    /** The named lab, or the only lab that is up; a sentence that says what to do otherwise. */
    public LabRecord resolve(String name) throws LabException {
        if (name != null) {
            LabRecord lab = read(name).orElseThrow(() -> new LabException("no lab named '" + name
                    + "' is up; start it with 'vxlab up --lab " + name + "'"));
            if (!alive(lab)) {
                throw new LabException("lab '" + name + "' is no longer running; remove it with 'vxlab down --lab " + name + "'");
            }
            return lab;
        }
        List<LabRecord> up = list().stream().filter(LabStore::alive).toList();
        if (up.isEmpty()) {
            throw new LabException("no lab is up; start one with 'vxlab up'");
        }
        if (up.size() > 1) {
            throw new LabException("several labs are up (" + String.join(", ", up.stream().map(LabRecord::name).toList())
                    + "); pick one with --lab NAME");
        }
        return up.getFirst();
    }

    public void remove(String name) throws LabException {
        Path dir = dir(name);
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new LabException("cannot remove the state of lab " + name + ": " + e.getMessage(), e);
        }
    }
}
