package dev.vxlab.lab;

import java.util.Locale;

/**
 * Whether a missing tool is an error rather than something to skip: under CI ({@code CI=true}, as GitHub Actions,
 * GitLab CI and most CI systems set it) or with {@code -Dvxlab.requireAll=true} (what {@code .ci/run} passes). On a
 * developer's machine a test that needs chromium, curl or tcpdump is skipped without it, and a scenario's capture step
 * is skipped; where this is on, the same conditions fail and name the missing tool, so CI cannot pass by skipping.
 */
public final class RequireAll {
    /** {@code -Dvxlab.requireAll=true}. */
    public static final String PROPERTY = "vxlab.requireAll";

    private RequireAll() {}

    /** Whether this process must have every tool: {@code CI=true} or {@code -Dvxlab.requireAll=true}. */
    public static boolean on() {
        return on(System.getenv("CI"), System.getProperty(PROPERTY));
    }

    /** The rule itself, for tests: either value "true" (any case, surrounding blanks ignored) turns it on. */
    public static boolean on(String ciVariable, String property) {
        return isTrue(ciVariable) || isTrue(property);
    }

    /** What turned it on, for messages: {@code CI=true}, {@code -Dvxlab.requireAll=true}, or both. */
    public static String why() {
        boolean ci = isTrue(System.getenv("CI"));
        boolean property = isTrue(System.getProperty(PROPERTY));
        return ci && property ? "CI=true and -D" + PROPERTY + "=true"
                : ci ? "CI=true" : property ? "-D" + PROPERTY + "=true" : "neither CI=true nor -D" + PROPERTY + "=true";
    }

    private static boolean isTrue(String value) {
        return value != null && value.strip().toLowerCase(Locale.ROOT).equals("true");
    }
}
