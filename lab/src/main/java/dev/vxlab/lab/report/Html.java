package dev.vxlab.lab.report;

/** HTML escaping for text and double-quoted attribute values: every character that could end either is replaced. */
final class Html {
    private Html() {}

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A relative link target: only plain file names are linked, anything else (a scheme, a path) is not. */
    static boolean isPlainFileName(String name) {
        return name.matches("[A-Za-z0-9._@-]+") && !name.startsWith(".");
    }
}
