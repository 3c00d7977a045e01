package dev.vxlab.lab.pods;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A pod's servers as a process of their own: the same {@link DnsServer} and {@link MetricsServer} as the fast path,
 * on plain sockets in the network namespace the process was started in. Prints {@link #READY} and its PID on stdout
 * once every socket is bound; SIGTERM closes the servers and ends it, and so does the end of the process that
 * started it (a pod's server never outlives the lab that started it). Before saying ready it asks itself once over
 * each socket ({@link ReadinessCheck}).
 */
public final class PodServerMain {
    /** The start of the line printed once the sockets are bound. */
    public static final String READY = "vxlab pod servers ready";

    private PodServerMain() {}

    public static void main(String[] args) {
        PodServerArgs plan;
        try {
            plan = PodServerArgs.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println("vxlab pod servers: " + e.getMessage());
            System.exit(2);
            return;
        }
        List<AutoCloseable> servers = new ArrayList<>();
        try {
            if (plan.dnsPort().isPresent()) {
                DnsServer dns = DnsServer.startHere(plan.ip(), plan.dnsPort().getAsInt(), plan.zone());
                servers.add(dns);
                ReadinessCheck.dns(dns.address(), plan.zone());
            }
            MetricsServer metrics = MetricsServer.startHere(plan.ip(), plan.metricsPort());
            servers.add(metrics);
            ReadinessCheck.metrics(metrics.address());
        } catch (IOException | RuntimeException e) {
            System.err.println("vxlab pod servers: " + e.getMessage());
            closeAll(servers);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            closeAll(servers);
            stopped.countDown();
        }, "pod-servers-stop"));
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> System.exit(0)));
        System.out.println(READY + " pid=" + ProcessHandle.current().pid() + " ip=" + plan.ip()
                + plan.dnsPort().stream().mapToObj(p -> " dns=" + p).findFirst().orElse("")
                + " metrics=" + plan.metricsPort());
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeAll(List<AutoCloseable> servers) {
        for (AutoCloseable server : servers.reversed()) {
            try {
                server.close();
            } catch (Exception ignored) {
                // the process is ending; the kernel closes what is left
            }
        }
    }
}
