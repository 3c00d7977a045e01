package dev.vxlab.lab.probe;

import java.util.ArrayList;
import java.util.List;

/**
 * Every target probed from every source, all at once: rows are sources, columns are targets.
 *
 * @param cells {@code cells.get(row).get(column)} is the result of target {@code column} from source {@code row}
 */
public record ConnectivityMatrix(List<String> sources, List<ProbeTarget> targets, List<List<ProbeResult>> cells) {

    public ConnectivityMatrix {
        sources = List.copyOf(sources);
        targets = List.copyOf(targets);
        cells = cells.stream().map(List::copyOf).toList();
        int columns = targets.size();
        if (cells.size() != sources.size() || cells.stream().anyMatch(row -> row.size() != columns)) {
            throw new IllegalArgumentException("a matrix needs one row per source and one cell per target");
        }
    }

    /** Probes every (source, target) pair concurrently with the prober's timeout. */
    public static ConnectivityMatrix measure(Prober prober, List<ProbeSource> sources, List<ProbeTarget> targets) {
        List<ProbeRequest> requests = new ArrayList<>(sources.size() * targets.size());
        for (ProbeSource source : sources) {
            for (ProbeTarget target : targets) {
                requests.add(new ProbeRequest(source, target.probe()));
            }
        }
        List<ProbeResult> results = prober.runAll(requests);
        List<List<ProbeResult>> rows = new ArrayList<>(sources.size());
        for (int row = 0; row < sources.size(); row++) {
            rows.add(results.subList(row * targets.size(), (row + 1) * targets.size()));
        }
        return new ConnectivityMatrix(sources.stream().map(ProbeSource::label).toList(), targets, rows);
    }

    public ProbeResult cell(String source, String target) {
        int row = sources.indexOf(source);
        int column = targets.stream().map(ProbeTarget::label).toList().indexOf(target);
        if (row < 0 || column < 0) {
            throw new IllegalArgumentException("no cell for source '" + source + "' and target '" + target + "'");
        }
        return cells.get(row).get(column);
    }

    public ProbeOutcome outcome(String source, String target) {
        return cell(source, target).outcome();
    }

    public boolean allOk() {
        return cells.stream().flatMap(List::stream).allMatch(ProbeResult::ok);
    }

    /** Every cell that is not OK, row by row. */
    public List<ProbeResult> failures() {
        return cells.stream().flatMap(List::stream).filter(result -> !result.ok()).toList();
    }

    /**
     * The grid for a terminal, then one line per target saying what it runs and one per failure saying why:
     * <pre>
     *          dns-udp  metrics
     * node-a   ok       ok
     * pod-c    TIMEOUT  SHORT_BODY
     * </pre>
     */
    public String render() {
        StringBuilder out = new StringBuilder(TextGrid.matrix(sources,
                targets.stream().map(ProbeTarget::label).toList(), (row, column) -> cells.get(row).get(column)
                        .outcome().cell()));
        out.append('\n');
        for (ProbeTarget target : targets) {
            out.append(target.label()).append(": ").append(target.probe().describe()).append('\n');
        }
        List<ProbeResult> failures = failures();
        if (!failures.isEmpty()) {
            out.append('\n').append(failures.size()).append(failures.size() == 1 ? " failure:\n" : " failures:\n");
            failures.forEach(failure -> out.append("  ").append(failure.summary()).append('\n'));
        }
        return out.toString();
    }
}
