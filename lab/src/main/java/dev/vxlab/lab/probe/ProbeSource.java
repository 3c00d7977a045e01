package dev.vxlab.lab.probe;

import dev.vxlab.detectors.netns.NetnsExecutor;

/** Where probes run from: a label for reports and the namespace's executor (node host namespace or a pod). */
public record ProbeSource(String label, NetnsExecutor netns) {}
