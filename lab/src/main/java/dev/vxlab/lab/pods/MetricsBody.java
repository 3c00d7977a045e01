package dev.vxlab.lab.pods;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A deterministic Prometheus text exposition that reads like CoreDNS's {@code /metrics}, cut to an exact byte
 * length: the length matters because the field fault showed up as a body that stopped short of its Content-Length.
 */
final class MetricsBody {
    private static final String SERVER = "dns://:53";
    private static final String[] QUERY_TYPES = {"A", "AAAA", "SRV", "PTR", "NS", "other"};
    /** CoreDNS's request-duration buckets: prometheus.ExponentialBuckets(0.00025, 2, 16). */
    private static final int DURATION_BUCKETS = 16;

    private MetricsBody() {}

    /** Whole metric families while they fit, then one comment line that fills to exactly {@code length} bytes. */
    static byte[] ofLength(int length) {
        StringBuilder body = new StringBuilder(length);
        for (String family : families()) {
            if (body.length() + family.length() + minimumPad() <= length) {
                body.append(family);
            }
        }
        int left = length - body.length();
        if (left < minimumPad()) {
            throw new IllegalArgumentException("a metrics body needs at least " + minimumPad() + " bytes");
        }
        body.append("# ").append(".".repeat(left - 3)).append('\n');
        return body.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static int minimumPad() {
        return 3; // "# \n"
    }

    private static List<String> families() {
        List<String> out = new ArrayList<>();
        out.add(family("coredns_build_info", "gauge",
                "A metric with a constant '1' value labeled by version, revision, and goversion from which CoreDNS was built.",
                "coredns_build_info{goversion=\"go1.21.11\",revision=\"a6338e9\",version=\"1.11.3\"} 1"));
        out.add(family("coredns_cache_entries", "gauge", "The number of elements in the cache.",
                "coredns_cache_entries{server=\"" + SERVER + "\",type=\"denial\",view=\"\",zones=\".\"} 37",
                "coredns_cache_entries{server=\"" + SERVER + "\",type=\"success\",view=\"\",zones=\".\"} 12"));
        out.add(counterPerType("coredns_dns_requests_total", "Counter of DNS requests made per zone, protocol and family.",
                "proto=\"udp\",", 1811));
        out.add(counterPerType("coredns_dns_responses_total", "Counter of response status codes.", "rcode=\"NOERROR\",",
                1744));
        out.add(histogramPerType("coredns_dns_request_duration_seconds", "Histogram of the time (in seconds) each request took per zone.", 0.00025));
        out.add(histogramPerType("coredns_dns_request_size_bytes", "Size of the EDNS0 UDP buffer in bytes (64K for TCP) per zone and protocol.", 0));
        out.add(histogramPerType("coredns_dns_response_size_bytes", "Size of the returned response in bytes.", 0));
        out.add(family("coredns_forward_healthcheck_broken_total", "counter",
                "Counter of the number of complete failures of the healthchecks.",
                "coredns_forward_healthcheck_broken_total 0"));
        out.add(family("coredns_kubernetes_dns_programming_duration_seconds_count", "counter",
                "Number of DNS programming latency observations.",
                "coredns_kubernetes_dns_programming_duration_seconds_count{service_kind=\"cluster_ip\"} 14"));
        out.add(family("coredns_plugin_enabled", "gauge", "A metric that indicates whether a plugin is enabled on per server and zone basis.",
                plugins()));
        out.add(family("coredns_reload_failed_total", "counter", "Counter of the number of failed reload attempts.",
                "coredns_reload_failed_total 0"));
        out.add(family("go_gc_duration_seconds", "summary", "A summary of the pause duration of garbage collection cycles.",
                "go_gc_duration_seconds{quantile=\"0\"} 2.6301e-05",
                "go_gc_duration_seconds{quantile=\"0.25\"} 4.1812e-05",
                "go_gc_duration_seconds{quantile=\"0.5\"} 5.0213e-05",
                "go_gc_duration_seconds{quantile=\"0.75\"} 7.3114e-05",
                "go_gc_duration_seconds{quantile=\"1\"} 0.000912553",
                "go_gc_duration_seconds_sum 0.041235",
                "go_gc_duration_seconds_count 611"));
        out.add(gauge("go_goroutines", "Number of goroutines that currently exist.", "43"));
        out.add(gauge("go_threads", "Number of OS threads created.", "11"));
        out.add(gauge("go_memstats_alloc_bytes", "Number of bytes allocated and still in use.", "6.254512e+06"));
        out.add(gauge("go_memstats_heap_inuse_bytes", "Number of heap bytes that are in use.", "8.740864e+06"));
        out.add(gauge("go_memstats_stack_inuse_bytes", "Number of bytes in use by the stack allocator.", "1.081344e+06"));
        out.add(gauge("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", "53.42"));
        out.add(gauge("process_max_fds", "Maximum number of open file descriptors.", "1.048576e+06"));
        out.add(gauge("process_open_fds", "Number of open file descriptors.", "14"));
        out.add(gauge("process_resident_memory_bytes", "Resident memory size in bytes.", "5.2908032e+07"));
        out.add(gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", "1.71836412881e+09"));
        out.add(gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", "7.85891328e+08"));
        return out;
    }

    private static String[] plugins() {
        String[] names = {"cache", "errors", "forward", "kubernetes", "loadbalance", "loop", "prometheus", "reload"};
        String[] lines = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            lines[i] = "coredns_plugin_enabled{name=\"" + names[i] + "\",server=\"" + SERVER + "\",view=\"\",zone=\".\"} 1";
        }
        return lines;
    }

    private static String counterPerType(String name, String help, String extraLabels, int base) {
        String[] lines = new String[QUERY_TYPES.length];
        for (int i = 0; i < QUERY_TYPES.length; i++) {
            lines[i] = name + "{" + extraLabels + "server=\"" + SERVER + "\",type=\"" + QUERY_TYPES[i]
                    + "\",view=\"\",zone=\".\"} " + base / (i + 1);
        }
        return family(name, "counter", help, lines);
    }

    /** One histogram per query type; time buckets when {@code firstBucket > 0}, size buckets otherwise. */
    private static String histogramPerType(String name, String help, double firstBucket) {
        List<String> lines = new ArrayList<>();
        for (int t = 0; t < QUERY_TYPES.length; t++) {
            String labels = "server=\"" + SERVER + "\",type=\"" + QUERY_TYPES[t] + "\",view=\"\",zone=\".\"";
            int total = 1811 / (t + 1);
            int buckets = firstBucket > 0 ? DURATION_BUCKETS : 8;
            for (int b = 0; b < buckets; b++) {
                String le = firstBucket > 0 ? trim(firstBucket * Math.pow(2, b)) : Integer.toString(64 << b);
                int cumulative = (int) Math.round(total * (1 - Math.pow(0.5, b + 1)));
                lines.add(name + "_bucket{" + labels + ",le=\"" + le + "\"} " + cumulative);
            }
            lines.add(name + "_bucket{" + labels + ",le=\"+Inf\"} " + total);
            lines.add(name + "_sum{" + labels + "} " + (firstBucket > 0 ? trim(total * 0.00061) : Integer.toString(total * 71)));
            lines.add(name + "_count{" + labels + "} " + total);
        }
        return family(name, "histogram", help, lines.toArray(String[]::new));
    }

    private static String gauge(String name, String help, String value) {
        return family(name, name.endsWith("_total") ? "counter" : "gauge", help, name + " " + value);
    }

    private static String family(String name, String type, String help, String... samples) {
        StringBuilder out = new StringBuilder();
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        for (String sample : samples) {
            out.append(sample).append('\n');
        }
        return out.toString();
    }

    private static String trim(double value) {
        String text = String.format(Locale.ROOT, "%.6f", value);
        return text.contains(".") ? text.replaceAll("0+$", "").replaceAll("\\.$", "") : text;
    }
}
