package dev.vxlab.lab.report;

/** One thing a run expected to see, whether it held, and the evidence either way (one line). */
public record Expectation(String id, String description, boolean held, String evidence) {}
