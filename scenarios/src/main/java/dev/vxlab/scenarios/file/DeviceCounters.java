package dev.vxlab.scenarios.file;

import java.util.List;
import java.util.Map;

/**
 * The device counters a {@code counter} step may read, by the kernel's name (rx_otherhost_dropped is spelled
 * {@code rx-otherhost-dropped}), and where {@code ip -j -s -s link show} puts each in its {@code stats64}.
 */
public final class DeviceCounters {
    /** Counter name to {@code stats64} direction and key; iproute2 calls rx_otherhost_dropped "otherhost". */
    public static final Map<String, List<String>> PATHS = Map.of(
            "rx-otherhost-dropped", List.of("rx", "otherhost"),
            "rx-dropped", List.of("rx", "dropped"),
            "tx-dropped", List.of("tx", "dropped"),
            "rx-packets", List.of("rx", "packets"),
            "tx-packets", List.of("tx", "packets"),
            "rx-errors", List.of("rx", "errors"),
            "tx-errors", List.of("tx", "errors"));

    public static final List<String> NAMES = PATHS.keySet().stream().sorted().toList();

    private DeviceCounters() {}
}
