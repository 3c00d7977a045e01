package dev.vxlab.bench;

import dev.vxlab.lab.backend.netns.BuildPhase;
import java.util.List;
import java.util.Optional;

/**
 * The cluster-build section of RESULTS.md: {@code ClusterUpBench}'s figures against issue 8's targets, and where one
 * build's time went. It carries its own date and load, because {@code vxlab bench --cluster-up} re-measures only it
 * and puts it in place of the old section, leaving the other figures as they were.
 */
record ClusterUpReport(String date, String loadBefore, String loadAfter, boolean smoke, List<Report.Row> rows,
                       Optional<ClusterUpPhases.Result> phases) {
    static final String HEADING = "## Cluster build time (issue 8): `ClusterUpBench`";

    private static final int[][] TARGETS = {{100, 10}, {250, 30}};

    String markdown(int cores) {
        StringBuilder md = new StringBuilder(HEADING).append("\n\n");
        md.append("From nothing to a whole netns cluster of the field's profile (namespaces, fabric, nodes, flannel's")
                .append(" devices and every peer's neighbor, FDB entry and route, pods, the DNS Service's rules), as")
                .append(" `vxlab up` builds it; single shot, one build per operation. Measured ").append(date)
                .append(" UTC").append(smoke ? " (smoke run: figures are meaningless)" : "").append(", load average ")
                .append(loadBefore).append(" at the start and ").append(loadAfter).append(" at the end");
        if (load1(loadBefore) > cores / 2.0) { // the end holds this section's own work
            md.append(": **a loaded machine** when it started (other work, or the section before it, still in the")
                    .append(" 1-minute average); a build is mostly")
                    .append(" process starts (ip, ethtool, nft), which wait for a core, so these figures are slower")
                    .append(" than a quiet machine's");
        }
        md.append(".\n\n| target | reached | met |\n|---|---|---|\n");
        for (int[] target : TARGETS) {
            Optional<Report.Row> row = rows.stream().filter(r -> r.size() == target[0]).findFirst();
            md.append("| a ").append(target[0]).append("-node netns cluster up in <= ").append(target[1])
                    .append(" s | ").append(row.map(r -> seconds(r.p50()) + " (median)").orElse("not measured in this run"))
                    .append(" | ").append(row.map(r -> r.p50() / 1000 <= target[1] ? "yes" : "**no**").orElse("-"))
                    .append(" |\n");
        }
        md.append("\n| nodes | median | max | builds timed |\n|---|---|---|---|\n");
        for (Report.Row r : rows) {
            md.append("| ").append(r.size()).append(" | ").append(seconds(r.p50())).append(" | ").append(seconds(r.p99()))
                    .append(" | ").append(r.samples()).append(" |\n");
        }
        phases.ifPresent(p -> {
            md.append("\nWhere one build of ").append(p.nodes()).append(" nodes went (the builder's own phases):\n\n");
            md.append("| phase | took |\n|---|---|\n");
            for (BuildPhase phase : p.phases()) {
                md.append("| ").append(phase.name()).append(" | ").append(seconds(phase.took().toNanos() / 1e6))
                        .append(" |\n");
            }
        });
        md.append("\nA build costs processes, not kernel work: every namespace comes from one `ip -batch` and the")
                .append(" fabric from another, sysctls are written from a JVM thread inside each namespace, and then")
                .append(" each node costs four round trips (one `ip -batch` for its uplink, flannel's devices and its")
                .append(" pods' veths; one `ip -batch` and one `bridge -batch` for its peers' entries; one shell for")
                .append(" `ethtool` and `nft`) and each pod one, on ").append(dev.vxlab.lab.backend.Parallel.THREADS)
                .append(" threads. The peers' entries grow as n x (n-1) x 3 kernel entries but stay two processes per")
                .append(" node (a 250-node peer batch is some 30 ms of kernel work). Deleting a cluster returns at")
                .append(" once and the kernel frees its devices afterwards, so the `namespaces` phase of a build that")
                .append(" follows a deletion, as every build here does, includes waiting for that (510 namespaces alone")
                .append(" take about 0.3 s).\n\n");
        return md.toString();
    }

    /** Puts this section in place of the old one in a RESULTS.md page (before "## Method" when there was none). */
    String replaceIn(String page, int cores) {
        String section = markdown(cores);
        int start = page.indexOf(HEADING);
        if (start >= 0) {
            int end = page.indexOf("\n## ", start + HEADING.length());
            return page.substring(0, start) + section + (end < 0 ? "" : page.substring(end + 1));
        }
        int method = page.indexOf("## Method");
        return method < 0 ? page + "\n" + section : page.substring(0, method) + section + page.substring(method);
    }

    private static String seconds(double millis) {
        return Report.fmt(millis / 1000) + " s";
    }

    private static double load1(String load) {
        try {
            return Double.parseDouble(load.split(" ")[0]);
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
