package dev.vxlab.scenarios.runner;

import java.util.List;

/** Evidence lines short enough to read in a terminal: the first few items, then how many more. */
final class Evidence {
    private static final int SHOWN = 4;

    private Evidence() {}

    static String list(List<String> items) {
        if (items.size() <= SHOWN) {
            return String.join("; ", items);
        }
        return String.join("; ", items.subList(0, SHOWN)) + "; and " + (items.size() - SHOWN) + " more";
    }
}
