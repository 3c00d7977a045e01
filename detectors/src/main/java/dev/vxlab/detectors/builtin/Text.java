package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.state.Route;
import java.util.List;
import java.util.Locale;

/** Short evidence lines: lists are capped so a thousand-peer node still gets one-line findings. */
final class Text {
    static final int LISTED = 5;

    private Text() {}

    /** The first {@link #LISTED} items joined by "; ", then how many more there are. */
    static String list(List<String> items) {
        if (items.size() <= LISTED) {
            return String.join("; ", items);
        }
        return String.join("; ", items.subList(0, LISTED)) + "; … and " + (items.size() - LISTED) + " more";
    }

    /** Like {@link #list} with ", " between items, for summaries. */
    static String inline(List<String> items) {
        if (items.size() <= LISTED) {
            return String.join(", ", items);
        }
        return String.join(", ", items.subList(0, LISTED)) + " and " + (items.size() - LISTED) + " more";
    }

    /** "1 peer" / "3 peers". */
    static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** A route of the main table as {@code ip route} prints it, without the table. */
    static String route(Route r) {
        StringBuilder out = new StringBuilder();
        if (r.type() != Route.Type.UNICAST) {
            out.append(r.type().name().toLowerCase(Locale.ROOT)).append(' ');
        }
        out.append(r.dst().canonical());
        r.gateway().ifPresent(g -> out.append(" via ").append(g));
        r.dev().ifPresent(d -> out.append(" dev ").append(d.name()));
        if (r.onlink()) {
            out.append(" onlink");
        }
        if (r.metric() != 0) {
            out.append(" metric ").append(r.metric());
        }
        return out.toString();
    }
}
