package dev.vxlab.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.util.Statistics;

/**
 * The boot-to-healthy section of RESULTS.md: {@code BootToHealthyBench}'s time per backend, and the backends that were
 * not measured with the reason each gave. Like the cluster-build section it carries its own date and load, because
 * {@code vxlab bench --boot} re-measures only it.
 */
record BootToHealthyReport(String date, String loadBefore, String loadAfter, boolean smoke, List<Row> rows,
                           Map<String, String> notMeasured) {
    static final String HEADING = "## Boot to a healthy cluster, per backend: `BootToHealthyBench`";

    /** One backend's boots: median and slowest, in milliseconds. */
    record Row(String backend, double medianMillis, double maxMillis, long boots) {}

    static List<Row> rows(Collection<RunResult> results) {
        List<Row> rows = new ArrayList<>();
        for (RunResult r : results) {
            Statistics stats = r.getPrimaryResult().getStatistics();
            rows.add(new Row(r.getParams().getParam("backend"), stats.getPercentile(50), stats.getMax(), stats.getN()));
        }
        rows.sort(Comparator.comparing(Row::backend));
        return List.copyOf(rows);
    }

    String markdown(int cores) {
        StringBuilder md = new StringBuilder(HEADING).append("\n\n");
        md.append("From nothing to a healthy ").append(BootToHealthyBench.NODES).append("-node cluster of the field's")
                .append(" profile: the backend builds its nodes, flannel programs them, the pods' servers start, and")
                .append(" then every cell of the connectivity matrix passes (TCP, HTTP with the whole 19 KB body, DNS")
                .append(" over UDP and TCP, from every node and pod to every pod) and the doctor finds nothing on any")
                .append(" node. Each backend on its usual path (the fast path where it has one, its nodes' remotes")
                .append(" otherwise); single shot, one boot per operation, the cluster removed after each. Measured ")
                .append(date).append(" UTC").append(smoke ? " (smoke run: figures are meaningless)" : "")
                .append(", load average ").append(loadBefore).append(" at the start and ").append(loadAfter)
                .append(" at the end");
        if (load1(loadBefore) > cores / 2.0) { // the end holds this section's own work
            md.append(": **a loaded machine** when it started (other work, or the section before it, still in the")
                    .append(" 1-minute average); a TCG guest's one vCPU")
                    .append(" then waits for a core, and a boot includes measuring the matrix again until it passes,")
                    .append(" so a VM backend's figure is far slower than a quiet machine's");
        }
        md.append(".\n\n| backend | median | slowest | boots timed |\n|---|---|---|---|\n");
        for (Row r : rows) {
            md.append("| ").append(r.backend()).append(" | ").append(seconds(r.medianMillis())).append(" | ")
                    .append(seconds(r.maxMillis())).append(" | ").append(r.boots()).append(" |\n");
        }
        notMeasured.forEach((backend, why) -> md.append("| ").append(backend).append(" | not measured: ")
                .append(why.replace("|", "/")).append(" | | |\n"));
        md.append("\n");
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

    private static double load1(String load) {
        try {
            return Double.parseDouble(load.split(" ")[0]);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static String seconds(double millis) {
        return Report.fmt(millis / 1000) + " s";
    }
}
