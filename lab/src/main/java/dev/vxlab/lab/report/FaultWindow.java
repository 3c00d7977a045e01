package dev.vxlab.lab.report;

/**
 * When a fault was in place: from its injection until the fix that healed it (or the end of the run).
 *
 * @param fault       the fault id ("vtep-mac-drift")
 * @param node        the node it was injected on
 * @param fromSeconds when it was injected, in seconds since the run started
 * @param toSeconds   when it was healed, or when the run ended if it never was
 */
public record FaultWindow(String fault, String node, double fromSeconds, double toSeconds) {}
