package dev.vxlab.detectors.state;

import dev.vxlab.detectors.addr.MacAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What udev means for a node's network devices: the node's machine id (from which systemd-udevd's default
 * {@code MACAddressPolicy=persistent}, in {@code 99-default.link}, derives a device's MAC) and the node's own
 * {@code .link} files in {@code /etc/systemd/network}. Since systemd 242 that policy also covers virtual devices such
 * as flannel.1: a device created without a MAC gets the persistent one when udev handles its add event, after a
 * flanneld older than 0.15.1 read and advertised the kernel's (flannel-io/flannel#1155).
 *
 * @param inspected false when nobody looked (see {@link #NOT_INSPECTED})
 * @param machineId the node's /etc/machine-id (32 hex digits), if readable
 * @param linkFiles the node's .link files in /etc/systemd/network, as read
 */
public record UdevFacts(boolean inspected, Optional<String> machineId, List<LinkFile> linkFiles) {
    public static final UdevFacts NOT_INSPECTED = new UdevFacts(false, Optional.empty(), List.of());
    /** The package's default link file: a file of the node's that sorts after it never applies (it matches all). */
    public static final String DEFAULT_LINK_FILE = "99-default.link";
    /** systemd's key for a device's "unique predictable data" (netif-util.c, HASH_KEY). */
    private static final byte[] HASH_KEY = HexFormat.of().parseHex("d31e48fa90fe4b4c9dafd5d7a1b12e8a");

    public UdevFacts {
        Objects.requireNonNull(machineId, "machineId");
        linkFiles = linkFiles.stream().sorted(Comparator.comparing(LinkFile::name)).toList();
    }

    /**
     * One .link file: the globs of its {@code [Match] OriginalName=}, whether it matches on anything else too (then
     * it is not judged: it may or may not apply), and its {@code [Link] MACAddressPolicy=}.
     */
    public record LinkFile(String name, List<String> originalNames, boolean otherMatches,
            Optional<String> macAddressPolicy) {
        public LinkFile {
            originalNames = List.copyOf(originalNames);
            Objects.requireNonNull(macAddressPolicy, "macAddressPolicy");
        }

        /** Reads a .link file's text (sections, keys, '#'/';' comments; later keys win, lists accumulate). */
        public static LinkFile parse(String name, String text) {
            String section = "";
            List<String> names = new ArrayList<>();
            boolean other = false;
            Optional<String> policy = Optional.empty();
            for (String raw : text.lines().toList()) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                    continue;
                }
                if (line.startsWith("[") && line.endsWith("]")) {
                    section = line.substring(1, line.length() - 1).strip();
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String key = line.substring(0, eq).strip();
                String value = line.substring(eq + 1).strip();
                if (section.equals("Match")) {
                    if (key.equals("OriginalName")) {
                        if (value.isEmpty()) {
                            names.clear();
                        } else {
                            names.addAll(List.of(value.split("\\s+")));
                        }
                    } else {
                        other = true;
                    }
                } else if (section.equals("Link") && key.equals("MACAddressPolicy")) {
                    policy = value.isEmpty() ? Optional.empty() : Optional.of(value);
                }
            }
            return new LinkFile(name, names, other, policy);
        }

        /** Whether it surely applies to a device of this name (a file that matches on more is not judged). */
        public boolean appliesTo(String ifname) {
            return !otherMatches && names().stream().anyMatch(glob -> glob(glob, ifname));
        }

        private List<String> names() {
            return originalNames;
        }

        /** Whether udev, with this file, leaves the device's MAC as it is (none, or no policy at all). */
        public boolean keepsMac() {
            return macAddressPolicy.map(p -> p.equals("none")).orElse(true);
        }
    }

    /** The first of the node's own link files that applies to the device before the package's default, if any. */
    public Optional<LinkFile> linkFileFor(String ifname) {
        return linkFiles.stream().filter(f -> f.name().compareTo(DEFAULT_LINK_FILE) <= 0)
                .filter(f -> f.appliesTo(ifname)).findFirst();
    }

    /** Whether a link file of the node's keeps udev from giving the device a MAC of its own. */
    public boolean keepsKernelMac(String ifname) {
        return linkFileFor(ifname).map(LinkFile::keepsMac).orElse(false);
    }

    /**
     * The MAC udev's {@code MACAddressPolicy=persistent} gives a device of this name on this node: SipHash-2-4 of the
     * machine id's 16 bytes followed by the name, keyed with systemd's HASH_KEY; its first six bytes (little-endian)
     * with the multicast bit cleared and the locally-administered bit set. Empty without a machine id.
     */
    public Optional<MacAddress> persistentMac(String ifname) {
        if (machineId.isEmpty() || !machineId.get().strip().matches("[0-9a-fA-F]{32}")) {
            return Optional.empty();
        }
        byte[] id = HexFormat.of().parseHex(machineId.get().strip().toLowerCase(java.util.Locale.ROOT));
        byte[] name = ifname.getBytes(StandardCharsets.UTF_8);
        byte[] data = new byte[id.length + name.length];
        System.arraycopy(id, 0, data, 0, id.length);
        System.arraycopy(name, 0, data, id.length, name.length);
        long hash = SipHash.hash24(HASH_KEY, data);
        byte[] mac = new byte[6];
        for (int i = 0; i < 6; i++) {
            mac[i] = (byte) (hash >>> (8 * i));
        }
        mac[0] = (byte) ((mac[0] & 0xfe) | 0x02);
        return Optional.of(MacAddress.ofBytes(mac));
    }

    /** fnmatch(3) as udev uses it for OriginalName: '*', '?' and [...] classes. */
    static boolean glob(String glob, String name) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                case '[' -> {
                    int close = glob.indexOf(']', i + 1);
                    if (close < 0) {
                        regex.append("\\[");
                    } else {
                        String body = glob.substring(i + 1, close).replace("\\", "\\\\");
                        regex.append('[').append(body.startsWith("!") ? "^" + body.substring(1) : body).append(']');
                        i = close;
                    }
                }
                default -> regex.append(java.util.regex.Pattern.quote(String.valueOf(c)));
            }
        }
        return name.matches(regex.toString());
    }
}
