/**
 * The doctor as an agent: {@link dev.vxlab.detectors.agent.ProbeLoop} is one iteration (snapshot, every detector with
 * the counter baseline, diff against the previous findings); {@link dev.vxlab.detectors.agent.Watcher} runs it on
 * every netlink change event (bursts coalesced, an overrun is just another full snapshot) and on a timer for the
 * counters no event announces (otherhost drops), and reports each pass with the findings that appeared or cleared.
 * This is the performance-critical core: a healthy node's pass allocates only what the snapshot and detectors do.
 */
package dev.vxlab.detectors.agent;
