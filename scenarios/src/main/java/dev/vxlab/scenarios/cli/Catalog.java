package dev.vxlab.scenarios.cli;

import dev.vxlab.lab.LabException;
import dev.vxlab.lab.sandbox.Sandbox;
import dev.vxlab.scenarios.file.Scenario;
import dev.vxlab.scenarios.file.ScenarioParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The scenario files shipped in the checkout's {@code scenarios/catalog/}, found by name. */
public final class Catalog {
    private final Path directory;

    public Catalog(Path directory) {
        this.directory = directory;
    }

    /** The checkout's catalog (vxlab.home, set by the ./vxlab launcher and by the test runs). */
    public static Catalog shipped() throws LabException {
        return new Catalog(Sandbox.home().resolve("scenarios").resolve("catalog"));
    }

    public Path directory() {
        return directory;
    }

    /** Every scenario file, by name. */
    public List<Path> files() throws LabException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new LabException("cannot list the scenario catalog " + directory + ": " + e.getMessage(), e);
        }
    }

    public List<String> names() throws LabException {
        return files().stream().map(f -> f.getFileName().toString().replaceFirst("\\.yaml$", "")).toList();
    }

    /** Every scenario, parsed (a broken catalog file is an error like any other). */
    public List<Scenario> scenarios() throws LabException {
        List<Scenario> all = new ArrayList<>();
        for (Path file : files()) {
            all.add(ScenarioParser.parse(file));
        }
        return all;
    }

    /** A file path as given, or else the shipped catalog's scenario of that name. */
    public static Path fileOrShipped(String fileOrName) throws LabException {
        Path given = Path.of(fileOrName);
        return Files.isRegularFile(given) ? given.toAbsolutePath() : shipped().resolve(fileOrName);
    }

    /** A file path as given, or the catalog scenario of that name. */
    public Path resolve(String fileOrName) throws LabException {
        Path given = Path.of(fileOrName);
        if (Files.isRegularFile(given)) {
            return given.toAbsolutePath();
        }
        if (fileOrName.matches("[a-z0-9][a-z0-9-]*")) {
            Path named = directory.resolve(fileOrName + ".yaml");
            if (Files.isRegularFile(named)) {
                return named;
            }
        }
        throw new LabException("no scenario file '" + fileOrName + "' and no catalog scenario of that name (the "
                + "catalog: " + String.join(", ", names()) + ")");
    }
}
