package dev.vxlab.lab.probe;

/** A column of a {@link ConnectivityMatrix}: a short label ("dns-tcp") and the probe behind it. */
public record ProbeTarget(String label, Probe probe) {}
