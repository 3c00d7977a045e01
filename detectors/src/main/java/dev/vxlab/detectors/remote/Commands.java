package dev.vxlab.detectors.remote;

import java.util.List;
import java.util.regex.Pattern;

/** Renders argv lists as shell-safe command lines, for reports and for people to copy. */
public final class Commands {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

    private Commands() {}

    public static String render(List<String> argv) {
        StringBuilder out = new StringBuilder();
        for (String arg : argv) {
            if (!out.isEmpty()) {
                out.append(' ');
            }
            out.append(SAFE.matcher(arg).matches() ? arg : "'" + arg.replace("'", "'\\''") + "'");
        }
        return out.toString();
    }
}
