package dev.vxlab.detectors.testkit;

import dev.vxlab.detectors.firewall.Ruleset;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Rulesets recorded from the real firewalld 1.3.3 confined to a lab node ({@code nft -j list ruleset}). */
public final class Firewalls {
    /** Debian's default zone, nothing added. */
    public static final Ruleset FIREWALLD_DEFAULT = Ruleset.parse(read("firewalld-default.json"));
    /** After {@code --permanent --add-port=8472/udp}, {@code --zone=trusted --add-source=10.244.0.0/16}, reload. */
    public static final Ruleset FIREWALLD_FLANNEL_ALLOWED = Ruleset.parse(read("firewalld-flannel-allowed.json"));

    private Firewalls() {}

    public static String read(String name) {
        try (InputStream in = Firewalls.class.getResourceAsStream("/dev/vxlab/detectors/firewall/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
