package dev.vxlab.lab.backend;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * One lab run: the prefix every namespace, bridge and process it makes carries, and the directory it writes to.
 * The prefix is short because Linux interface names have at most 15 characters.
 */
public record LabRun(String prefix, Path directory) {
    private static final Pattern PREFIX = Pattern.compile("vx[a-z0-9]{1,6}");

    public LabRun {
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("a run prefix is 'vx' and 1 to 6 lower-case letters or digits, not '"
                    + prefix + "'");
        }
    }

    /** A fresh run with a random prefix like vx3f2a9c. */
    public static LabRun random(Path directory) {
        byte[] id = new byte[3];
        new SecureRandom().nextBytes(id);
        return new LabRun("vx" + HexFormat.of().formatHex(id), directory);
    }
}
