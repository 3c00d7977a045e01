package dev.vxlab.bench;

import dev.vxlab.detectors.agent.ProbeLoop;
import dev.vxlab.detectors.agent.Watcher;
import dev.vxlab.detectors.netlink.NetlinkSource;
import dev.vxlab.detectors.netlink.NetlinkSubscription;
import dev.vxlab.detectors.spi.Doctor;
import dev.vxlab.detectors.testkit.FlannelNamespace;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's steady-state cost: a watcher (netlink events plus a 1 s counter timer) on an idle flannel node for a
 * while, its loop warmed up first (see {@link WarmUp}). Reports the watcher thread's CPU time and the whole JVM's (JIT, GC and the rest) as a
 * share of one core.
 */
final class IdleCpu {
    record Result(Duration watched, long passes, double watcherThreadPercent, double processPercent) {}

    private IdleCpu() {}

    static Result measure(int warmUpPasses, Duration settle, Duration watched) throws Exception {
        FlannelNamespace node = BenchNamespaces.create("idle", 4);
        try (NetlinkSource source = NetlinkSource.open(node.file());
             NetlinkSubscription subscription = NetlinkSubscription.open(node.file())) {
            ProbeLoop loop = new ProbeLoop(node.nodeName(), source, Doctor.load(), node.view());
            WarmUp.run(loop, warmUpPasses);
            Watcher watcher = new Watcher(loop, subscription::next, Duration.ofSeconds(1));
            AtomicLong passes = new AtomicLong();
            Thread thread = Thread.ofPlatform().name("watcher").start(() -> {
                try {
                    watcher.run(pass -> passes.incrementAndGet());
                } catch (Exception e) {
                    passes.set(Long.MIN_VALUE);
                }
            });
            Thread.sleep(settle);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long wall0 = System.nanoTime();
            long thread0 = threads.getThreadCpuTime(thread.threadId());
            long process0 = os.getProcessCpuTime();
            long passes0 = passes.get();
            Thread.sleep(watched);
            long wall = System.nanoTime() - wall0;
            long threadCpu = threads.getThreadCpuTime(thread.threadId()) - thread0;
            long processCpu = os.getProcessCpuTime() - process0;
            long counted = passes.get() - passes0;
            watcher.stop();
            thread.interrupt();
            thread.join(10_000);
            if (passes.get() < 0) {
                throw new IllegalStateException("the watcher failed");
            }
            return new Result(Duration.ofNanos(wall), counted, 100.0 * threadCpu / wall, 100.0 * processCpu / wall);
        } finally {
            node.delete();
        }
    }
}
