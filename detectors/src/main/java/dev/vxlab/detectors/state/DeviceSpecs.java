package dev.vxlab.detectors.state;

import java.util.List;

/**
 * NetworkManager's device-spec matching (NetworkManager.conf(5), "Device List Format"), reduced to interface names.
 * Follows NetworkManager's rule: a matching {@code except:} spec wins; a list of only {@code except:} specs matches
 * every device none of them matches. Globs know {@code *} and {@code ?}; there is no escaping.
 */
final class DeviceSpecs {
    private static final String EXCEPT = "except:";
    private static final String IFNAME = "interface-name:";

    private DeviceSpecs() {}

    /** An interface-name pattern: a glob, or a literal name ({@code interface-name:=NAME}). */
    private record NamePattern(String text, boolean literal) {
        boolean matches(String name) {
            return literal ? text.equals(name) : globMatches(text, 0, name, 0);
        }

        /** Every name that starts with the prefix matches: a glob {@code L*} (only stars after L) with L fitting. */
        boolean coversPrefix(String prefix) {
            if (literal) {
                return false;
            }
            int star = text.indexOf('*');
            if (star < 0 || star > prefix.length()) {
                return false;
            }
            for (int i = star; i < text.length(); i++) {
                if (text.charAt(i) != '*') {
                    return false;
                }
            }
            for (int i = 0; i < star; i++) {
                if (text.charAt(i) != '?' && text.charAt(i) != prefix.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        /** Some name that starts with the prefix might match (conservative: true when unsure). */
        boolean mightMatchNameStartingWith(String prefix) {
            if (literal) {
                return text.startsWith(prefix);
            }
            for (int i = 0; i < Math.min(text.length(), prefix.length()); i++) {
                char g = text.charAt(i);
                if (g == '*') {
                    return true;
                }
                if (g != '?' && g != prefix.charAt(i)) {
                    return false;
                }
            }
            return text.length() >= prefix.length();
        }
    }

    /** The name pattern of a spec, or null when the spec is about something other than the name. */
    private static NamePattern pattern(String spec) {
        if (spec.equals("*")) {
            return new NamePattern("*", false);
        }
        if (!spec.startsWith(IFNAME)) {
            return null;
        }
        String value = spec.substring(IFNAME.length());
        if (value.startsWith("=")) {
            return new NamePattern(value.substring(1), true);
        }
        return new NamePattern(value.startsWith("~") ? value.substring(1) : value, false);
    }

    static boolean matches(List<String> specs, String name) {
        boolean hasExcept = false;
        boolean hasPositive = false;
        boolean matched = false;
        for (String spec : specs) {
            if (spec.startsWith(EXCEPT)) {
                hasExcept = true;
                NamePattern p = pattern(spec.substring(EXCEPT.length()));
                if (p != null && p.matches(name)) {
                    return false;
                }
            } else {
                hasPositive = true;
                NamePattern p = pattern(spec);
                matched |= p != null && p.matches(name);
            }
        }
        return matched || (hasExcept && !hasPositive);
    }

    static boolean coversPrefix(List<String> specs, String prefix) {
        boolean hasExcept = false;
        boolean hasPositive = false;
        boolean covered = false;
        for (String spec : specs) {
            if (spec.startsWith(EXCEPT)) {
                hasExcept = true;
                NamePattern p = pattern(spec.substring(EXCEPT.length()));
                if (p == null || p.mightMatchNameStartingWith(prefix)) {
                    return false; // mac:, type:, ... might exclude such a device too
                }
            } else {
                hasPositive = true;
                NamePattern p = pattern(spec);
                covered |= p != null && p.coversPrefix(prefix);
            }
        }
        return covered || (hasExcept && !hasPositive);
    }

    private static boolean globMatches(String glob, int g, String name, int n) {
        while (g < glob.length()) {
            char c = glob.charAt(g);
            if (c == '*') {
                for (int k = n; k <= name.length(); k++) {
                    if (globMatches(glob, g + 1, name, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (n >= name.length() || (c != '?' && c != name.charAt(n))) {
                return false;
            }
            g++;
            n++;
        }
        return n == name.length();
    }
}
