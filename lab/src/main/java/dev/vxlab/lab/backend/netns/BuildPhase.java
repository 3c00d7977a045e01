package dev.vxlab.lab.backend.netns;

import java.time.Duration;

/** How long one phase of building a netns cluster took (namespaces, sysctls, fabric, nodes, flannel, pods, services). */
public record BuildPhase(String name, Duration took) {}
