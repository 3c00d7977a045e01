package dev.vxlab.scenarios.file;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.lab.fault.Fault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** One step of a scenario, with the line it starts on (reports and failures name it). */
public sealed interface ScenarioStep {

    int line();

    /**
     * The step's key in the file: probe, inject, capture, stop-captures, doctor, trace, fix, run, counter,
     * advertised-mac, wait, expect-healthy.
     */
    String kind();

    /** Every matrix cell passes and the doctor finds nothing that impairs traffic. */
    record ExpectHealthy(int line) implements ScenarioStep {
        public String kind() {
            return "expect-healthy";
        }
    }

    /**
     * Probes and what they must show. With {@code broken} present the whole matrix is measured and exactly those
     * cells (minus {@code ignore}d ones) must fail; {@code checks} are single probes with their own outcome.
     */
    record Probe(int line, Optional<List<Cells>> broken, List<Cells> ignore, List<ProbeCheck> checks)
            implements ScenarioStep {
        public Probe {
            broken = broken.map(List::copyOf);
            ignore = List.copyOf(ignore);
            checks = List.copyOf(checks);
        }

        public String kind() {
            return "probe";
        }
    }

    /** A fault from the lab's catalog, already built for its node. */
    record Inject(int line, Fault fault) implements ScenarioStep {
        public String kind() {
            return "inject";
        }
    }

    /**
     * tcpdump on a node's device from here to the next {@link StopCaptures} (or the end of the scenario); the pcap goes into the report. When it stops,
     * the capture must show SYNs retransmitted with the same seq ({@code synRetransmissions}: true, or none: false)
     * and SYN-ACKs addressed to a MAC ({@code synAcksTo}), where the file asks.
     */
    record Capture(int line, String node, String device, Optional<String> filter, Optional<Boolean> synRetransmissions,
            Optional<MacAddress> synAcksTo, CaptureCounts counts) implements ScenarioStep {
        public String kind() {
            return "capture";
        }
    }

    /**
     * More of what a capture must show: no SYN-ACK addressed to {@code noSynAcksTo}, at least {@code minSyns} SYNs
     * and {@code minSynAcks} SYN-ACKs (the destination answering again and again).
     */
    record CaptureCounts(Optional<MacAddress> noSynAcksTo, int minSyns, int minSynAcks) {
        public static final CaptureCounts NONE = new CaptureCounts(Optional.empty(), 0, 0);

        public boolean any() {
            return noSynAcksTo.isPresent() || minSyns > 0 || minSynAcks > 0;
        }
    }

    /** Stops every capture still running, reads it and judges what its capture step expects. */
    record StopCaptures(int line) implements ScenarioStep {
        public String kind() {
            return "stop-captures";
        }
    }

    /**
     * A command run on a node through its remote, as a person would type it there; its output (stdout, or stderr
     * when it fails) must contain every {@code contains} text, match {@code matches} (a regular expression found
     * anywhere) and have exactly {@code lines} non-empty lines, where the file asks. Without expectations it only shows
     * the output.
     */
    record Run(int line, String node, List<String> argv, List<String> contains, Optional<String> matches,
            Optional<Integer> lines) implements ScenarioStep {
        public Run {
            argv = List.copyOf(argv);
            contains = List.copyOf(contains);
        }

        public String kind() {
            return "run";
        }

        public String commandLine() {
            return String.join(" ", argv);
        }
    }

    /**
     * Reads a device counter on a node ({@code ip -s -s link show dev DEVICE}); with {@code expect} it must have
     * risen ({@code rises}) or stayed ({@code steady}) since the previous reading of the same counter.
     */
    record Counter(int line, String node, String device, String counter, Optional<String> expect)
            implements ScenarioStep {
        public String kind() {
            return "counter";
        }
    }

    /**
     * The node's advertised VtepMAC (the published node list, as {@code kubectl get node} shows it) against its VXLAN
     * device's MAC: they must differ ({@code differs}) or be the same.
     */
    record AdvertisedMac(int line, String node, boolean differs) implements ScenarioStep {
        public String kind() {
            return "advertised-mac";
        }
    }

    /**
     * The doctor's model follows a TCP handshake from a node to an address through the snapshots
     * ({@code vxlab doctor --trace}); it must be delivered or not, and its summary must say each {@code says} text.
     */
    record Trace(int line, String from, Ipv4 to, Optional<Boolean> delivered, List<String> says)
            implements ScenarioStep {
        public Trace {
            says = List.copyOf(says);
        }

        public String kind() {
            return "trace";
        }
    }

    /** The doctor examines every node and must name exactly these findings (informational ones aside). */
    record Doctor(int line, List<ExpectedFinding> findings) implements ScenarioStep {
        public Doctor {
            findings = List.copyOf(findings);
        }

        public String kind() {
            return "doctor";
        }
    }

    /**
     * The doctor's fix plans, all of them ({@code doctorsPlan}) or those with the given fix ids, applied; with
     * {@code prove} the whole matrix must then pass.
     */
    record Fix(int line, boolean doctorsPlan, List<String> fixIds, boolean prove) implements ScenarioStep {
        public Fix {
            fixIds = List.copyOf(fixIds);
        }

        public String kind() {
            return "fix";
        }
    }

    record Wait(int line, Duration duration) implements ScenarioStep {
        public String kind() {
            return "wait";
        }
    }

    /**
     * The node's real NetworkManager or firewalld (docs/networkmanager.md, docs/firewalld.md), confined to it: write
     * its configuration variants ({@code config}), then start, stop, restart or reload it ({@code action}), or run its
     * client ({@code nmcli}/{@code firewall-cmd} words, {@code command}) against the node's private bus, which must
     * succeed unless {@code fails} is true.
     */
    record Daemon(int line, String daemon, String node, List<String> config, Optional<String> action,
            List<String> command, boolean fails, List<String> contains) implements ScenarioStep {
        public static final List<String> ACTIONS = List.of("start", "stop", "restart", "reload");

        public Daemon {
            config = List.copyOf(config);
            command = List.copyOf(command);
            contains = List.copyOf(contains);
        }

        /** A step whose command's output is not checked. */
        public Daemon(int line, String daemon, String node, List<String> config, Optional<String> action,
                List<String> command, boolean fails) {
            this(line, daemon, node, config, action, command, fails, List.of());
        }

        public String kind() {
            return daemon;
        }

        /** The client that drives it: nmcli, firewall-cmd, or udevadm (udev: no daemon, its builtin run confined). */
        public String client() {
            return switch (daemon) {
                case "networkmanager" -> "nmcli";
                case "udev" -> "udevadm";
                default -> "firewall-cmd";
            };
        }
    }
}
