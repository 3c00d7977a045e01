/**
 * JMH benchmarks of the doctor's hot path against the baselines (the {@code ip -j} source, {@code /proc/net} files,
 * polling), and {@link dev.vxlab.bench.Suite}, which runs them all with the detection-latency and idle-CPU harnesses
 * and writes {@code benchmarks/RESULTS.md}. Everything that needs network namespaces makes them itself (a
 * {@link dev.vxlab.detectors.testkit.FlannelNamespace} of the field's shape with 4, 100 or 1000 peers), so the suite
 * must run inside {@code bin/vxlab-sandbox}.
 */
package dev.vxlab.bench;
