package dev.vxlab.detectors.source;

import dev.vxlab.detectors.state.NmFacts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.SequencedSet;
import java.util.stream.Stream;

/**
 * The part of NetworkManager's configuration that decides which devices it leaves alone: the effective
 * {@code [keyfile] unmanaged-devices} list after every file is applied in load order (a later file's value replaces
 * an earlier one; {@code unmanaged-devices+=} appends and {@code unmanaged-devices-=} removes, as NetworkManager does).
 *
 * <p>Not covered: {@code [device]} sections with {@code managed=0}, udev's {@code NM_UNMANAGED}, and the
 * {@code /usr/lib} and {@code /run} configuration directories.
 *
 * @param unmanagedDevices the device specs, in order, e.g. {@code interface-name:flannel*}
 */
public record NetworkManagerConfig(List<String> unmanagedDevices) {
    private static final String SECTION = "keyfile";
    private static final String KEY = "unmanaged-devices";

    public NetworkManagerConfig {
        unmanagedDevices = List.copyOf(Objects.requireNonNull(unmanagedDevices, "unmanagedDevices"));
    }

    /** Applies the texts of configuration files in load order. Lines NetworkManager would not understand are skipped. */
    public static NetworkManagerConfig parse(List<String> filesInLoadOrder) {
        SequencedSet<String> specs = new LinkedHashSet<>();
        for (String text : filesInLoadOrder) {
            String section = null;
            for (String raw : text.lines().toList()) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                if (line.startsWith("[") && line.endsWith("]")) {
                    section = line.substring(1, line.length() - 1).strip();
                    continue;
                }
                int eq = line.indexOf('=');
                if (!SECTION.equals(section) || eq < 0) {
                    continue;
                }
                String key = line.substring(0, eq).strip();
                List<String> value = split(line.substring(eq + 1));
                switch (key) {
                    case KEY -> {
                        specs.clear();
                        specs.addAll(value);
                    }
                    case KEY + "+" -> specs.addAll(value);
                    case KEY + "-" -> value.forEach(specs::remove);
                    default -> { }
                }
            }
        }
        return new NetworkManagerConfig(new ArrayList<>(specs));
    }

    /**
     * Reads {@code DIR/NetworkManager.conf}, then every {@code DIR/conf.d/*.conf} in file-name order, the way
     * NetworkManager reads {@code /etc/NetworkManager}. Missing files and directories contribute nothing; a file that
     * is there but cannot be read is an error.
     */
    public static NetworkManagerConfig read(Path configDirectory) throws IOException {
        List<String> texts = new ArrayList<>();
        Path main = configDirectory.resolve("NetworkManager.conf");
        if (Files.exists(main)) {
            texts.add(Files.readString(main));
        }
        Path confD = configDirectory.resolve("conf.d");
        if (Files.isDirectory(confD)) {
            List<Path> files;
            try (Stream<Path> listing = Files.list(confD)) {
                files = listing.filter(p -> p.getFileName().toString().endsWith(".conf"))
                        .filter(p -> !Files.isDirectory(p))
                        .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                        .toList();
            }
            for (Path file : files) {
                texts.add(Files.readString(file));
            }
        }
        return parse(texts);
    }

    public NmFacts facts(boolean running) {
        return new NmFacts(true, running, unmanagedDevices);
    }

    /** NetworkManager separates specs by ';' or ',' and ignores whitespace around them. */
    private static List<String> split(String value) {
        List<String> out = new ArrayList<>();
        for (String part : value.split("[;,]")) {
            String spec = part.strip();
            if (!spec.isEmpty()) {
                out.add(spec);
            }
        }
        return out;
    }
}
