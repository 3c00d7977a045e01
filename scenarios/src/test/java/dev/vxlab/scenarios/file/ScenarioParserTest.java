package dev.vxlab.scenarios.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.lab.fault.Fault;
import dev.vxlab.lab.probe.ProbeOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ScenarioParserTest {
    private static final String HEAD = """
            description: a test
            cluster:
              profile: field
              nodes: 3
            steps:
            """;

    @Test
    void readsEveryStepKindWithNodesResolved() throws Exception {
        Scenario s = ScenarioParser.parse(HEAD + """
                  - expect-healthy
                  - capture: {node: 0, filter: tcp port 9153, expect: {syn-acks-to: "ea:77:37:86:ee:bf"}}
                  - inject: {fault: mtu-reset, node: 172.31.159.20, params: {mtu: 1400}}
                  - probe:
                      checks:
                        - {from: node 0, to: coredns@1, probe: connect, expect: ok}
                        - {from: pod app@0, to: dns/udp, expect: broken, timeout: 3s}
                      broken:
                        - {from: [node 0, "pod *@0"], to: ["*@1"]}
                      ignore:
                        - {from: "*", to: "dns/*"}
                  - doctor:
                      findings:
                        - {node: 1, fault: mtu-mismatch, device: eth0}
                  - fix: {apply: [restore-mtu], prove: false}
                  - fix: doctor
                  - wait: 1.5s
                """, "t.yaml", "t");
        assertThat(s.name()).isEqualTo("t");
        assertThat(s.cluster().nodes()).hasSize(3);
        assertThat(s.probeTimeout()).isEqualTo(ScenarioParser.DEFAULT_PROBE_TIMEOUT);
        List<ScenarioStep> steps = s.steps();
        assertThat(steps).extracting(ScenarioStep::kind).containsExactly("expect-healthy", "capture", "inject",
                "probe", "doctor", "fix", "fix", "wait");
        assertThat(steps).extracting(ScenarioStep::line).containsExactly(6, 7, 8, 9, 17, 20, 21, 22);
        assertThat(steps.get(1)).isEqualTo(new ScenarioStep.Capture(7, "172.31.159.19", "flannel.1",
                Optional.of("tcp port 9153"), Optional.empty(), Optional.of(MacAddress.parse("ea:77:37:86:ee:bf"))));
        assertThat(((ScenarioStep.Inject) steps.get(2)).fault()).isEqualTo(new Fault.MtuReset("172.31.159.20", "eth0", 1400));
        ScenarioStep.Probe probe = (ScenarioStep.Probe) steps.get(3);
        assertThat(probe.checks()).containsExactly(
                new ProbeCheck(11, "node 172.31.159.19", "coredns@172.31.159.20", true, Optional.of(ProbeOutcome.OK),
                        Optional.empty()),
                new ProbeCheck(12, "pod app@172.31.159.19", "dns/udp", false, Optional.empty(),
                        Optional.of(Duration.ofSeconds(3))));
        Cells broken = probe.broken().orElseThrow().getFirst();
        assertThat(broken.contains("pod app@172.31.159.19", "coredns@172.31.159.20")).isTrue();
        assertThat(broken.contains("node 172.31.159.20", "app@172.31.159.20")).isFalse();
        assertThat(probe.ignore().getFirst().contains("node 172.31.159.21", "dns/tcp")).isTrue();
        assertThat(steps.get(4)).isEqualTo(new ScenarioStep.Doctor(17, List.of(
                new ExpectedFinding(19, "172.31.159.20", "mtu-mismatch", Optional.of("eth0")))));
        assertThat(steps.get(5)).isEqualTo(new ScenarioStep.Fix(20, false, List.of("restore-mtu"), false));
        assertThat(steps.get(6)).isEqualTo(new ScenarioStep.Fix(21, true, List.of(), true));
        assertThat(steps.get(7)).isEqualTo(new ScenarioStep.Wait(22, Duration.ofMillis(1500)));
    }

    @Test
    void anAddressPlanBuildsThatCluster() throws Exception {
        Scenario s = ScenarioParser.parse("""
                description: plan
                cluster:
                  nodes: 4
                  plan: {pod-network: 10.244.0.0/16, underlay: 192.168.7.0/24, first-host: 10, mtu: 9000}
                probe-timeout: 2s
                steps: [expect-healthy]
                """, "p.yaml", "p");
        assertThat(s.cluster().podNetwork().toString()).isEqualTo("10.244.0.0/16");
        assertThat(s.cluster().nodes().getFirst().publicIp().toString()).isEqualTo("192.168.7.10");
        assertThat(s.cluster().underlayMtu()).isEqualTo(9000);
        assertThat(s.probeTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aWorkloadPlacesCoreDnsAndAddsPods() throws Exception {
        Scenario s = ScenarioParser.parse("""
                description: workload
                cluster: {nodes: 3}
                workload:
                  coredns: [0]
                  pods: [{node: 2, name: web}, {node: 2, name: api}]
                steps:
                  - probe:
                      checks: [{from: pod api@2, to: coredns@0, expect: ok}]
                """, "w.yaml", "w");
        assertThat(s.cluster().pods()).extracting(p -> p.label() + " " + p.ip() + (p.dns() ? " dns" : ""))
                .containsExactly("app@172.31.159.19 10.187.0.2", "app@172.31.159.20 10.187.1.2",
                        "app@172.31.159.21 10.187.2.2", "coredns@172.31.159.19 10.187.0.24 dns",
                        "web@172.31.159.21 10.187.2.3", "api@172.31.159.21 10.187.2.4");
        assertThat(MatrixLabels.of(s.cluster()).sources()).contains("pod web@172.31.159.21");
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("bad YAML", HEAD + "  - inject: {fault: x, node: 0\n  - wait: 1s\n", 7, "not valid YAML"),
                Arguments.of("bad YAML indentation", "description: x\n cluster: y\n", 2, "not valid YAML"),
                Arguments.of("unknown step", HEAD + "  - expect-healthy\n  - pause: 1s\n", 7,
                        "unknown step 'pause' (known: probe, inject, capture, doctor, fix, wait, expect-healthy)"),
                Arguments.of("unknown fault", HEAD + "  - expect-healthy\n  - inject:\n      node: 0\n"
                        + "      fault: vtep-mac-drif\n", 9, "unknown fault 'vtep-mac-drif' (known: vtep-mac-drift, "),
                Arguments.of("unknown node", HEAD + "  - inject: {fault: routes-flushed, node: 7}\n", 6,
                        "unknown node '7' (this cluster's nodes: 0..2 or 172.31.159.19, "),
                Arguments.of("wrong type", "description: x\ncluster:\n  nodes: three\nsteps: [expect-healthy]\n", 3,
                        "nodes must be a whole number, not the text 'three'"),
                Arguments.of("too many nodes", "description: x\ncluster:\n  nodes: 999\nsteps: [expect-healthy]\n", 3,
                        "nodes must be from 2 to 256, not 999"),
                Arguments.of("unknown key", HEAD.replace("  nodes: 3", "  nodes: 3\n  nodez: 4"), 5,
                        "unknown key 'nodez' in cluster (known: backend, nodes, plan, profile)"),
                Arguments.of("unknown parameter", HEAD + "  - inject: {fault: routes-flushed, node: 0, params: {mtu: 1}}\n",
                        6, "fault 'routes-flushed' has no parameter 'mtu'; it takes none"),
                Arguments.of("unknown doctor fault id", HEAD + "  - doctor:\n      findings:\n        - node: 0\n"
                        + "          fault: mac-drift\n", 9, "unknown fault id 'mac-drift' (the doctor's ids: "),
                Arguments.of("unknown fix", HEAD + "  - fix: [restore-routes, reboot]\n", 6,
                        "unknown fix 'reboot' (known: doctor, flannel-resync, "),
                Arguments.of("unknown source", HEAD + "  - probe:\n      broken:\n        - from: node 9\n"
                        + "          to: app@1\n", 8, "unknown node '9'"),
                Arguments.of("source that is no source", HEAD + "  - probe:\n      broken:\n        - from: app@0\n"
                        + "          to: app@1\n", 8, "'app@0' is not a source; write 'node N' or 'pod NAME@N'"),
                Arguments.of("target matching nothing", HEAD + "  - probe:\n      broken:\n        - from: node 0\n"
                        + "          to: web@1\n", 9, "'web@172.31.159.20' matches no target of this cluster"),
                Arguments.of("unknown outcome", HEAD + "  - probe:\n      checks:\n"
                        + "        - {from: node 0, to: app@1, expect: slow}\n", 8, "unknown outcome 'slow'"),
                Arguments.of("bad duration", HEAD + "  - wait: soon\n", 6, "wait must be a duration like 500ms or 2s"),
                Arguments.of("missing description", "cluster:\n  nodes: 2\nsteps: [expect-healthy]\n", 1,
                        "a scenario needs 'description'"),
                Arguments.of("a step with two keys", HEAD + "  - wait: 1s\n    fix: doctor\n", 6,
                        "a step is one key naming it"),
                Arguments.of("duplicate key", HEAD.replace("  nodes: 3", "  nodes: 3\n  nodes: 4"), 5,
                        "'nodes' appears twice in this map"),
                Arguments.of("empty file", "", 1, "the file is empty"),
                Arguments.of("bad MAC", HEAD + "  - capture:\n      node: 0\n      expect:\n        syn-acks-to: ea:77\n",
                        9, "syn-acks-to must be a MAC address"),
                Arguments.of("a pod twice", "description: x\ncluster: {nodes: 2}\nworkload:\n  pods:\n"
                        + "    - {node: 1, name: app}\nsteps: [expect-healthy]\n", 5,
                        "node 172.31.159.20 already has a pod named 'app'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void aMalformedFileGetsOneLineNamingItsLine(String what, String text, int line, String problem) {
        assertThatThrownBy(() -> ScenarioParser.parse(text, "bad.yaml", "bad"))
                .isInstanceOf(ScenarioFileException.class)
                .satisfies(e -> {
                    assertThat(e.getMessage()).doesNotContain("\n").startsWith("bad.yaml:" + line + ": ")
                            .contains(problem);
                    assertThat(((ScenarioFileException) e).line()).isEqualTo(line);
                });
    }
}
