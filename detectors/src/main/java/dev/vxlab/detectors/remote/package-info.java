/**
 * A node as a remote: {@link dev.vxlab.detectors.remote.Remote} runs commands (argv, stdin, env, timeout), starts and
 * stops long-running processes, and puts and gets files. {@link dev.vxlab.detectors.remote.LocalRemote} is this
 * machine (the real-node doctor), {@link dev.vxlab.detectors.remote.NamespaceRemote} a named network namespace on it;
 * the lab's backends add theirs (docker exec, a guest agent). {@link dev.vxlab.detectors.remote.Batches} turns runs of
 * ip/bridge commands into one {@code -batch -} over any remote.
 */
package dev.vxlab.detectors.remote;
