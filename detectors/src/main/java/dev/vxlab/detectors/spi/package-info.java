/**
 * The doctor's service interface: a {@link dev.vxlab.detectors.spi.Detector} turns a
 * {@link dev.vxlab.detectors.spi.DetectionInput} (a node's snapshot, an optional earlier one, what flannel advertised,
 * subnet.env) into {@link dev.vxlab.detectors.spi.Finding}s; the {@link dev.vxlab.detectors.spi.Doctor} runs every
 * detector {@link java.util.ServiceLoader} finds and returns a {@link dev.vxlab.detectors.spi.Diagnosis}. A detector
 * names the {@link dev.vxlab.detectors.spi.StatePart}s it reads, so that after a change of other parts the doctor
 * keeps its last findings ({@link dev.vxlab.detectors.spi.Doctor#reexamine}).
 *
 * <p>Fault ids ({@link dev.vxlab.detectors.spi.FaultIds}) and fix ids ({@link dev.vxlab.detectors.spi.FixIds}) are a
 * public contract, as is the diagnosis's JSON shape ({@link dev.vxlab.detectors.spi.Diagnosis#toJson()}).
 */
package dev.vxlab.detectors.spi;
