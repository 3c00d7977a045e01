package dev.vxlab.lab.probe;

/** One probe to run from one source. */
public record ProbeRequest(ProbeSource source, Probe probe) {}
