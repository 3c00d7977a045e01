/**
 * One actuator for everything done to a node: {@link dev.vxlab.detectors.action.NodeAction}s (run a command, write a
 * file, restart flanneld, wait until a check passes) are what fix plans, faults and their heals are made of, and the
 * {@link dev.vxlab.detectors.action.Actuator} applies them to a {@link dev.vxlab.detectors.action.NodeHandle} through
 * the node's remote. The lab's nodes and a real node differ only in their handle.
 */
package dev.vxlab.detectors.action;
