package dev.vxlab.detectors.action;

/** One action done on one node, as a person would have typed it there. */
public record Applied(String node, NodeAction action, String commandLine) {}
