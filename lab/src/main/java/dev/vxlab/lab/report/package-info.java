/**
 * What a run did and saw, for people and machines. A runner (the field story, the scenario runner) collects a
 * {@link dev.vxlab.lab.report.RunReport} with {@link dev.vxlab.lab.report.RunReport#builder(String)} as it goes:
 * {@link dev.vxlab.lab.report.Step}s (each naming the {@link dev.vxlab.lab.report.Expectation}s judged on its
 * evidence), {@link dev.vxlab.lab.report.FaultWindow}s, one {@link dev.vxlab.lab.report.PhaseMatrix} per measured
 * connectivity matrix, one {@link dev.vxlab.lab.report.Examination} per doctor run, one
 * {@link dev.vxlab.lab.report.AppliedFix} per applied fix plan and one {@link dev.vxlab.lab.report.Capture} per pcap
 * file, then {@code write}s report.json, report.md and report.html into the directory that holds the pcaps. Every
 * time in a report is seconds since the run started.
 */
package dev.vxlab.lab.report;
