package dev.vxlab.scenarios.file;

import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.lab.fault.Fault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** One step of a scenario, with the line it starts on (reports and failures name it). */
public sealed interface ScenarioStep {

    int line();

    /** The step's key in the file: probe, inject, capture, doctor, fix, wait, expect-healthy. */
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
     * tcpdump on a node's device from here to the end of the scenario; the pcap goes into the report. When it stops,
     * the capture must show SYNs retransmitted with the same seq ({@code synRetransmissions}: true, or none: false)
     * and SYN-ACKs addressed to a MAC ({@code synAcksTo}), where the file asks.
     */
    record Capture(int line, String node, String device, Optional<String> filter, Optional<Boolean> synRetransmissions,
            Optional<MacAddress> synAcksTo) implements ScenarioStep {
        public String kind() {
            return "capture";
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
}
