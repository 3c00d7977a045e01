package dev.vxlab.lab.report;

import static dev.vxlab.lab.report.Html.escape;

import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.lab.probe.ProbeOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * report.html: one self-contained page (inline CSS and SVG, no script, nothing fetched) that reads top-down as the
 * run went: the result, a timeline, the connectivity grids, the doctor's findings, the fixes, the expectations, the
 * captures and every step in full. Every text that came from the run is escaped.
 */
final class HtmlReport {
    /** Grid cell colours; nothing else on the page uses exactly these (tests find the grids by them). */
    static final String OK_CELL = "#2da44e";
    static final String BROKEN_CELL = "#cf222e";
    /** Timeline marks: darker shades of the same meanings. */
    private static final String HELD_MARK = "#1a7f37";
    private static final String FAILED_MARK = "#a40e26";
    private static final String INFO_MARK = "#8c959f";

    private static final String CSS = """
            :root { --ok: %s; --broken: %s; --held: %s; --failed: %s; --info: %s; --ink: #1f2328; --muted: #59636e;
                    --line: #d1d9e0; --soft: #f6f8fa; }
            * { box-sizing: border-box; }
            body { margin: 0; font: 14px/1.45 "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink);
                   background: #fff; }
            main { max-width: 1240px; margin: 0 auto; padding: 0 24px 48px; }
            header.run { padding: 20px 24px; margin: 0 -24px 8px; border-bottom: 1px solid var(--line); background: var(--soft); }
            h1 { font-size: 22px; margin: 0 0 10px; }
            h2 { font-size: 18px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
            h3 { font-size: 15px; margin: 18px 0 6px; }
            .facts { display: flex; flex-wrap: wrap; gap: 6px 22px; margin: 0; }
            .facts div { display: flex; gap: 6px; }
            .facts dt { color: var(--muted); }
            .facts dd { margin: 0; font-weight: 600; }
            .result { display: inline-block; padding: 2px 10px; border-radius: 12px; color: #fff; font-weight: 700; }
            .result.passed { background: var(--held); }
            .result.failed { background: var(--failed); }
            nav { margin: 10px 0 0; color: var(--muted); }
            nav a { margin-right: 14px; color: #0969da; text-decoration: none; }
            code, pre { font: 12px/1.4 "DejaVu Sans Mono", Menlo, Consolas, monospace; }
            pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px;
                  margin: 6px 0; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
            .muted { color: var(--muted); }
            .timeline svg { width: 100%%; height: auto; display: block; }
            .legend { display: flex; flex-wrap: wrap; gap: 4px 18px; align-items: center; margin: 6px 0 10px;
                      color: var(--muted); }
            .legend span { display: inline-flex; align-items: center; gap: 6px; }
            .swatch { display: inline-block; width: 14px; height: 14px; border-radius: 3px; }
            .grids { display: flex; flex-wrap: wrap; gap: 28px 36px; align-items: flex-start; }
            figure.grid { margin: 0; width: min-content; }
            figure.grid figcaption { font-weight: 600; margin-bottom: 4px; min-width: 260px; min-height: 2.9em; }
            figure.grid figcaption .count { font-weight: 400; color: var(--muted); }
            table.matrix { border-collapse: separate; border-spacing: 2px; }
            table.matrix th { font-weight: 400; font-size: 11px; color: var(--muted); white-space: nowrap; }
            table.matrix th.source { text-align: right; padding-right: 6px; }
            table.matrix th.target { vertical-align: bottom; padding-bottom: 4px; }
            table.matrix th.target span { writing-mode: vertical-rl; transform: rotate(180deg); }
            table.matrix td { width: var(--cell); min-width: var(--cell); height: var(--cell); padding: 0;
                              border-radius: 3px; text-align: center; color: #fff; font-size: 10px; font-weight: 700; }
            td.ok { background: var(--ok); }
            td.broken { background: var(--broken); }
            details.broken-list { margin-top: 4px; max-width: 560px; }
            details.broken-list li { font: 11px/1.4 "DejaVu Sans Mono", monospace; }
            table.list { border-collapse: collapse; width: 100%%; }
            table.list th, table.list td { text-align: left; vertical-align: top; padding: 5px 8px;
                                           border-bottom: 1px solid var(--line); }
            table.list th { background: var(--soft); font-weight: 600; }
            .badge { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px; font-weight: 700;
                     color: #fff; white-space: nowrap; }
            .badge.held { background: var(--held); }
            .badge.failed { background: var(--failed); }
            .badge.none { background: var(--info); }
            .sev-critical { background: #b62324; }
            .sev-warning { background: #9a6700; }
            .sev-risk { background: #8250df; }
            .sev-info { background: var(--info); }
            .healthy { color: var(--held); font-weight: 600; }
            ol.steps { list-style: none; padding: 0; margin: 0; }
            ol.steps > li { border-left: 3px solid var(--line); padding: 4px 0 8px 14px; margin: 0 0 4px; }
            ol.steps > li.held { border-left-color: var(--held); }
            ol.steps > li.failed { border-left-color: var(--failed); }
            .step-head { display: grid; grid-template-columns: 58px 40px 1fr; align-items: baseline; }
            .step-head .at { font: 12px "DejaVu Sans Mono", monospace; color: var(--muted); }
            .step-head .n { color: var(--muted); }
            .checks { margin: 4px 0 0; padding-left: 0; list-style: none; }
            .checks li { margin: 1px 0; }
            ul.highlights { margin: 4px 0; padding-left: 20px; }
            """.formatted(OK_CELL, BROKEN_CELL, HELD_MARK, FAILED_MARK, INFO_MARK);

    private final RunReport report;
    private final Map<String, Expectation> byId = new LinkedHashMap<>();
    private final StringBuilder out = new StringBuilder(64 * 1024);

    private HtmlReport(RunReport report) {
        this.report = report;
        report.expectations().forEach(e -> byId.putIfAbsent(e.id(), e));
    }

    static String render(RunReport report) {
        return new HtmlReport(report).page();
    }

    private String page() {
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                // Nothing on this page may load anything: no scripts, no fetches, styles and images inline only.
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
                .append("style-src 'unsafe-inline'; img-src data:\">\n")
                .append("<title>").append(escape(report.title())).append("</title>\n<style>\n").append(CSS)
                .append("</style>\n</head>\n<body>\n<main>\n");
        header();
        timeline();
        connectivity();
        doctor();
        fixes();
        expectations();
        captures();
        steps();
        out.append("</main>\n</body>\n</html>\n");
        return out.toString();
    }

    private void header() {
        long held = report.expectations().stream().filter(Expectation::held).count();
        out.append("<header class=\"run\" id=\"summary\">\n<h1>").append(escape(report.title())).append("</h1>\n")
                .append("<dl class=\"facts\">");
        fact("result", "<span class=\"result " + (report.passed() ? "passed\">passed" : "failed\">FAILED") + "</span>");
        fact("run", "<code>" + escape(report.run()) + "</code>");
        fact("backend", escape(report.backend()));
        fact("profile", escape(report.profile()));
        fact("nodes", Integer.toString(report.nodes()));
        java.util.Set<String> kinds = new java.util.TreeSet<>();
        report.systems().forEach(system -> kinds.add(system.machine() + ", Linux " + system.kernel()));
        if (!kinds.isEmpty()) {
            fact("node kernels", escape(String.join("; ", kinds)));
        }
        fact("expectations", held + " of " + report.expectations().size() + " held");
        fact("started", escape(report.started()));
        fact("took", "%.1f s".formatted(report.seconds()));
        out.append("</dl>\n<nav>");
        link("timeline", "Timeline");
        link("connectivity", "Connectivity");
        link("doctor", "Doctor");
        link("fixes", "Fixes");
        link("expectations", "Expectations");
        link("captures", "Captures");
        link("steps", "Steps");
        out.append("</nav>\n</header>\n");
    }

    private void fact(String name, String valueHtml) {
        out.append("<div><dt>").append(name).append("</dt><dd>").append(valueHtml).append("</dd></div>");
    }

    private void link(String id, String text) {
        out.append("<a href=\"#").append(id).append("\">").append(text).append("</a>");
    }

    // --- timeline -----------------------------------------------------------------------------------------------

    private enum Outcome {
        HELD("held", HELD_MARK), FAILED("failed", FAILED_MARK), NONE("none", INFO_MARK);

        final String css;
        final String colour;

        Outcome(String css, String colour) {
            this.css = css;
            this.colour = colour;
        }
    }

    private Outcome outcome(Step step) {
        List<Expectation> checks = checks(step);
        if (checks.isEmpty()) {
            return Outcome.NONE;
        }
        return checks.stream().allMatch(Expectation::held) ? Outcome.HELD : Outcome.FAILED;
    }

    private List<Expectation> checks(Step step) {
        return step.expectations().stream().map(byId::get).filter(e -> e != null).toList();
    }

    /**
     * The steps as numbered marks on a time axis (stacked where they fall close together), coloured by what their
     * checks said, and the connectivity measurements as squares below the axis, coloured by whether all was well.
     */
    private void timeline() {
        out.append("<section class=\"timeline\" id=\"timeline\">\n<h2>Timeline</h2>\n");
        List<Step> steps = report.steps();
        double end = Math.max(report.seconds(), steps.stream().mapToDouble(Step::atSeconds).max().orElse(0));
        end = Math.max(end, 1);
        int width = 1180;
        int left = 30;
        int right = 30;
        double scale = (width - left - right) / end;
        int radius = 9;
        // Stack marks that would overlap: each goes to the lowest level whose last mark is far enough to the left.
        List<Double> lastX = new ArrayList<>();
        int[] levels = new int[steps.size()];
        for (int i = 0; i < steps.size(); i++) {
            double x = left + steps.get(i).atSeconds() * scale;
            int level = 0;
            while (level < lastX.size() && x - lastX.get(level) < 2 * radius + 3) {
                level++;
            }
            if (level == lastX.size()) {
                lastX.add(x);
            } else {
                lastX.set(level, x);
            }
            levels[i] = level;
        }
        int stack = Math.max(1, lastX.size());
        int axis = 14 + stack * (2 * radius + 3);
        int height = axis + 58;
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" role=\"img\" aria-label=\"timeline of the run's steps\">\n");
        for (FaultWindow f : report.faults()) {
            double x0 = left + f.fromSeconds() * scale;
            double x1 = left + Math.max(f.toSeconds(), f.fromSeconds()) * scale;
            out.append("<g><title>").append(escape("fault " + f.fault() + " on " + f.node() + " from "
                    + "%.1f".formatted(f.fromSeconds()) + " s to " + "%.1f".formatted(f.toSeconds()) + " s"))
                    .append("</title><rect x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"%d\" fill=\"#ffebe9\"/>"
                            .formatted(x0, Math.max(2, x1 - x0), axis + 36))
                    .append("<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#a40e26\">".formatted(x0 + 4,
                            axis + 32)).append(escape(f.fault())).append("</text></g>\n");
        }
        out.append("<line x1=\"").append(left).append("\" y1=\"").append(axis).append("\" x2=\"").append(width - right)
                .append("\" y2=\"").append(axis).append("\" stroke=\"#59636e\" stroke-width=\"1.5\"/>\n");
        double tick = niceTick(end);
        for (double t = 0; t <= end + 1e-9; t += tick) {
            double x = left + t * scale;
            out.append("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#59636e\"/>".formatted(x, axis, x,
                    axis + 5));
            out.append("<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" fill=\"#59636e\">%s s</text>\n"
                    .formatted(x, axis + 50, trim(t)));
        }
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            double x = left + step.atSeconds() * scale;
            int y = axis - radius - 4 - levels[i] * (2 * radius + 3);
            Outcome o = outcome(step);
            out.append("<a href=\"#step-").append(i + 1).append("\"><g><title>")
                    .append(escape("#" + (i + 1) + " at " + "%.1f".formatted(step.atSeconds()) + " s: " + step.title()
                            + (o == Outcome.NONE ? "" : " (" + o.css + ")")))
                    .append("</title>");
            out.append("<circle cx=\"%.1f\" cy=\"%d\" r=\"%d\" fill=\"%s\"/>".formatted(x, y, radius, o.colour));
            out.append("<text x=\"%.1f\" y=\"%d\" font-size=\"9\" font-weight=\"700\" text-anchor=\"middle\" fill=\"#fff\">%d</text>"
                    .formatted(x, y + 3, i + 1));
            out.append("</g></a>\n");
        }
        for (PhaseMatrix m : report.matrices()) {
            double x = left + m.atSeconds() * scale;
            String colour = m.broken() == 0 ? HELD_MARK : FAILED_MARK;
            out.append("<g><title>").append(escape("connectivity " + m.phase() + " at "
                    + "%.1f".formatted(m.atSeconds()) + " s: " + (m.size() - m.broken()) + "/" + m.size() + " ok"))
                    .append("</title><rect x=\"%.1f\" y=\"%d\" width=\"10\" height=\"10\" rx=\"2\" fill=\"%s\"/></g>\n"
                            .formatted(x - 5, axis + 9, colour));
        }
        out.append("</svg>\n<div class=\"legend\">")
                .append(swatch(HELD_MARK, "step whose checks held", true))
                .append(swatch(FAILED_MARK, "step with a failed check", true))
                .append(swatch(INFO_MARK, "step without checks", true))
                .append(swatch(HELD_MARK, "connectivity all ok", false))
                .append(swatch(FAILED_MARK, "connectivity broken", false))
                .append(report.faults().isEmpty() ? "" : swatch("#ffebe9", "a fault in place", false))
                .append("</div>\n</section>\n");
    }

    private static String swatch(String colour, String label, boolean round) {
        return "<span><i class=\"swatch\" style=\"background:" + colour + (round ? ";border-radius:50%" : "")
                + "\"></i>" + escape(label) + "</span>";
    }

    private static double niceTick(double end) {
        for (double step : new double[] {0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600}) {
            if (end / step <= 12) {
                return step;
            }
        }
        return Math.ceil(end / 12 / 600) * 600;
    }

    private static String trim(double seconds) {
        return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : "%.1f".formatted(seconds);
    }

    // --- connectivity -------------------------------------------------------------------------------------------

    private void connectivity() {
        out.append("<section id=\"connectivity\">\n<h2>Connectivity</h2>\n");
        if (report.matrices().isEmpty()) {
            out.append("<p class=\"muted\">No connectivity matrix was measured.</p>\n</section>\n");
            return;
        }
        out.append("<p class=\"muted\">Every source (row) probes every target (column); hover a cell for the probe "
                + "and how it ended.</p>\n<div class=\"legend\">")
                .append("<span><i class=\"swatch\" style=\"background:var(--ok)\"></i>ok</span>")
                .append("<span><i class=\"swatch\" style=\"background:var(--broken)\"></i>broken: ");
        List<String> codes = new ArrayList<>();
        for (ProbeOutcome o : ProbeOutcome.values()) {
            if (o != ProbeOutcome.OK) {
                codes.add("<b>" + code(o) + "</b> " + o.name().toLowerCase(Locale.ROOT).replace('_', ' '));
            }
        }
        out.append(String.join(", ", codes)).append("</span></div>\n<div class=\"grids\">\n");
        for (int i = 0; i < report.matrices().size(); i++) {
            grid(i, report.matrices().get(i));
        }
        out.append("</div>\n</section>\n");
    }

    /** The letter a broken cell shows, so a grid reads without hovering (and without colour). */
    static String code(ProbeOutcome outcome) {
        return switch (outcome) {
            case OK -> "";
            case TIMEOUT -> "T";
            case REFUSED -> "R";
            case UNREACHABLE -> "U";
            case SHORT_BODY -> "S";
            case ERROR -> "E";
        };
    }

    private void grid(int index, PhaseMatrix m) {
        int cell = m.targets().size() > 24 ? 12 : 20;
        out.append("<figure class=\"grid\" id=\"matrix-").append(index + 1).append("\" data-phase=\"")
                .append(escape(m.phase())).append("\" data-broken=\"").append(m.broken()).append("\">\n<figcaption>")
                .append(escape(m.phase())).append(" <span class=\"count\">at ").append("%.1f".formatted(m.atSeconds()))
                .append(" s · ").append(m.broken() == 0 ? "all " + m.size() + " ok"
                        : m.broken() + " of " + m.size() + " broken").append("</span></figcaption>\n")
                .append("<table class=\"matrix\" style=\"--cell:").append(cell).append("px\">\n<thead><tr><th></th>");
        for (PhaseMatrix.Target t : m.targets()) {
            out.append("<th class=\"target\" title=\"").append(escape(t.probe())).append("\"><span>")
                    .append(escape(t.label())).append("</span></th>");
        }
        out.append("</tr></thead>\n<tbody>\n");
        for (int row = 0; row < m.sources().size(); row++) {
            out.append("<tr><th class=\"source\">").append(escape(m.sources().get(row))).append("</th>");
            for (int column = 0; column < m.targets().size(); column++) {
                PhaseMatrix.Cell c = m.cell(row, column);
                String tooltip = m.sources().get(row) + " \u2192 " + m.targets().get(column).label() + "\n"
                        + m.targets().get(column).probe() + "\n" + c.outcome()
                        + (c.detail().isBlank() ? "" : ": " + c.detail()) + " (" + c.millis() + " ms)";
                out.append("<td class=\"").append(c.ok() ? "ok" : "broken").append("\" data-outcome=\"")
                        .append(c.outcome()).append("\" title=\"").append(escape(tooltip)).append("\">")
                        .append(cell >= 20 ? code(c.outcome()) : "").append("</td>");
            }
            out.append("</tr>\n");
        }
        out.append("</tbody>\n</table>\n");
        if (m.broken() > 0) {
            out.append("<details class=\"broken-list\"><summary>").append(m.broken())
                    .append(m.broken() == 1 ? " broken probe" : " broken probes").append("</summary><ul>");
            for (int row = 0; row < m.sources().size(); row++) {
                for (int column = 0; column < m.targets().size(); column++) {
                    if (!m.cell(row, column).ok()) {
                        out.append("<li>").append(escape(m.describe(row, column))).append("</li>");
                    }
                }
            }
            out.append("</ul></details>\n");
        }
        out.append("</figure>\n");
    }

    // --- doctor, fixes, expectations, captures ------------------------------------------------------------------

    private void doctor() {
        out.append("<section id=\"doctor\">\n<h2>Doctor's findings</h2>\n");
        if (report.examinations().isEmpty()) {
            out.append("<p class=\"muted\">The doctor did not examine this run.</p>\n");
        }
        for (Examination x : report.examinations()) {
            out.append("<h3>").append(escape(x.phase())).append(" <span class=\"muted\">at ")
                    .append("%.1f".formatted(x.atSeconds())).append(" s</span></h3>\n");
            if (x.findings().isEmpty()) {
                out.append("<p class=\"healthy\">No findings: ").append(escape(String.join(", ", x.nodes())))
                        .append(x.nodes().size() == 1 ? " is" : " are").append(" healthy.</p>\n");
                continue;
            }
            out.append("<table class=\"list findings\"><thead><tr><th>severity</th><th>fault</th><th>node</th>")
                    .append("<th>device</th><th>expected</th><th>actual</th></tr></thead>\n<tbody>\n");
            for (Finding f : x.findings()) {
                out.append("<tr class=\"finding\"><td><span class=\"badge sev-").append(f.severity().label()).append("\">")
                        .append(f.severity().label()).append("</span></td><td><code>").append(escape(f.fault()))
                        .append("</code></td><td>").append(escape(f.node())).append("</td><td>")
                        .append(f.device().isEmpty() ? "<span class=\"muted\">node-wide</span>" : escape(f.device()))
                        .append("</td><td>").append(escape(f.expected())).append("</td><td>").append(escape(f.actual()))
                        .append("</td></tr>\n<tr><td></td><td colspan=\"5\" class=\"muted\">").append(escape(f.summary()))
                        .append(f.fixes().isEmpty() ? "" : "<br>fixes: <code>" + escape(String.join(", ", f.fixes()))
                                + "</code>")
                        .append("</td></tr>\n");
            }
            out.append("</tbody></table>\n");
        }
        out.append("</section>\n");
    }

    private void fixes() {
        out.append("<section id=\"fixes\">\n<h2>Fixes applied</h2>\n");
        if (report.fixes().isEmpty()) {
            out.append("<p class=\"muted\">No fix was applied.</p>\n");
        }
        for (AppliedFix fix : report.fixes()) {
            out.append("<div class=\"fix\"><h3><code>").append(escape(fix.fix())).append("</code> on ")
                    .append(escape(fix.node())).append(" <span class=\"muted\">at ")
                    .append("%.1f".formatted(fix.atSeconds())).append(" s")
                    .append(fix.cures().isEmpty() ? "" : " · cures " + escape(String.join(", ", fix.cures())))
                    .append("</span></h3>\n<p>").append(escape(fix.description())).append("</p>\n<pre>");
            fix.commands().forEach(c -> out.append("$ ").append(escape(c)).append('\n'));
            out.append("</pre></div>\n");
        }
        out.append("</section>\n");
    }

    private void expectations() {
        out.append("<section id=\"expectations\">\n<h2>Expectations</h2>\n");
        out.append("<table class=\"list\"><thead><tr><th></th><th>expected</th><th>evidence</th></tr></thead>\n<tbody>\n");
        for (Expectation e : report.expectations()) {
            out.append("<tr class=\"expectation\" id=\"expect-").append(escape(e.id())).append("\"><td>")
                    .append(e.held() ? "<span class=\"badge held\">\u2713 held</span>"
                            : "<span class=\"badge failed\">\u2717 failed</span>")
                    .append("</td><td>").append(escape(e.description())).append("</td><td><code>")
                    .append(escape(e.evidence())).append("</code></td></tr>\n");
        }
        out.append("</tbody></table>\n</section>\n");
    }

    private void captures() {
        out.append("<section id=\"captures\">\n<h2>Packet captures</h2>\n");
        if (report.captures().isEmpty()) {
            out.append("<p class=\"muted\">No packets were captured in this run.</p>\n");
        }
        for (Capture c : report.captures()) {
            out.append("<div class=\"capture\"><h3>");
            if (Html.isPlainFileName(c.file())) {
                out.append("<a href=\"").append(escape(c.file())).append("\">").append(escape(c.file())).append("</a>");
            } else {
                out.append("<code>").append(escape(c.file())).append("</code>");
            }
            out.append(" <span class=\"muted\">").append(escape(c.title())).append("</span></h3>\n");
            if (!c.highlights().isEmpty()) {
                out.append("<ul class=\"highlights\">");
                c.highlights().forEach(h -> out.append("<li>").append(escape(h)).append("</li>"));
                out.append("</ul>\n");
            }
            long lines = c.packets().lines().count();
            if (lines > 30) {
                out.append("<details><summary>").append(lines).append(" packets</summary><pre class=\"packets\">")
                        .append(escape(c.packets())).append("</pre></details></div>\n");
            } else {
                out.append("<pre class=\"packets\">").append(escape(c.packets())).append("</pre></div>\n");
            }
        }
        out.append("</section>\n");
    }

    // --- steps --------------------------------------------------------------------------------------------------

    private void steps() {
        out.append("<section id=\"steps\">\n<h2>Steps</h2>\n<ol class=\"steps\">\n");
        for (int i = 0; i < report.steps().size(); i++) {
            Step step = report.steps().get(i);
            Outcome o = outcome(step);
            out.append("<li class=\"step ").append(o.css).append("\" id=\"step-").append(i + 1).append("\">")
                    .append("<div class=\"step-head\"><span class=\"at\">").append("%.1f s".formatted(step.atSeconds()))
                    .append("</span><span class=\"n\">#").append(i + 1).append("</span><strong>")
                    .append(escape(step.title())).append("</strong></div>\n");
            if (!step.commands().isEmpty()) {
                out.append("<pre class=\"commands\">");
                step.commands().forEach(c -> out.append("$ ").append(escape(c)).append('\n'));
                out.append("</pre>\n");
            }
            if (!step.lines().isEmpty()) {
                String text = escape(String.join("\n", step.lines()));
                if (step.lines().size() > 10) {
                    out.append("<details><summary>").append(step.lines().size()).append(" lines of output</summary><pre>")
                            .append(text).append("</pre></details>\n");
                } else {
                    out.append("<pre>").append(text).append("</pre>\n");
                }
            }
            List<Expectation> checks = checks(step);
            if (!checks.isEmpty()) {
                out.append("<ul class=\"checks\">");
                for (Expectation e : checks) {
                    out.append("<li>").append(e.held() ? "<span class=\"badge held\">\u2713</span> "
                            : "<span class=\"badge failed\">\u2717</span> ").append(escape(e.description()))
                            .append(": <span class=\"muted\">").append(escape(e.evidence())).append("</span></li>");
                }
                out.append("</ul>\n");
            }
            out.append("</li>\n");
        }
        out.append("</ol>\n</section>\n");
    }
}
