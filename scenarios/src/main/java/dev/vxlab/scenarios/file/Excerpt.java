package dev.vxlab.scenarios.file;

/** User text quoted in an error: its first line, at most a few dozen characters, so a wrong file is not echoed whole. */
public final class Excerpt {
    static final int MAX = 40;

    private Excerpt() {}

    /** {@code 'text'}, cut to its first line and {@value #MAX} characters with "..." where anything was left out. */
    public static String quote(String text) {
        String line = text.strip().lines().findFirst().orElse("");
        boolean cut = line.length() > MAX || !line.equals(text.strip());
        String shown = line.length() > MAX ? line.substring(0, MAX) : line;
        return "'" + shown + (cut ? "...'" : "'");
    }
}
