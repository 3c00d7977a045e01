/**
 * The doctor as an agent: {@link dev.vxlab.detectors.agent.ProbeLoop} is one iteration (snapshot, every detector with
 * the counter baseline, diff against the previous findings; or, after change events, a delta pass: the events applied
 * to the last state by {@link dev.vxlab.detectors.netlink.StateDeltas} and only the detectors reading what changed
 * run again); {@link dev.vxlab.detectors.agent.Watcher} runs it on every netlink change event (bursts coalesced, an
 * overrun or events that cannot be applied exactly make a full snapshot) and on a timer, always a full snapshot, for
 * the counters no event announces (otherhost drops), and reports each pass with the findings that appeared or
 * cleared. This is the performance-critical core: a healthy node's pass allocates only what the snapshot (or the
 * delta) and the detectors do.
 */
package dev.vxlab.detectors.agent;
