/**
 * What flannel published, read in the formats a real cluster has: {@code kubectl get nodes -o json}
 * ({@link dev.vxlab.detectors.advertised.NodeListReader} into a {@link dev.vxlab.detectors.advertised.ClusterView})
 * and {@code /run/flannel/subnet.env} ({@link dev.vxlab.detectors.advertised.SubnetEnv}). The lab publishes with
 * {@link dev.vxlab.detectors.advertised.NodeListWriter} and {@link dev.vxlab.detectors.advertised.SubnetEnv#toFileText()},
 * so the doctor reads the lab and a real cluster the same way.
 */
package dev.vxlab.detectors.advertised;
