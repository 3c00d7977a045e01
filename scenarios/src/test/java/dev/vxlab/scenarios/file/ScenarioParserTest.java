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
                Optional.of("tcp port 9153"), Optional.empty(), Optional.of(MacAddress.parse("ea:77:37:86:ee:bf")),
                ScenarioStep.CaptureCounts.NONE));
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
    void readsAUdevStepAsUdevadmConfinedToItsNode() throws Exception {
        Scenario s = ScenarioParser.parse(HEAD + """
                  - udev:
                      node: 1
                      udevadm: test-builtin net_setup_link /sys/class/net/flannel.1
                      expect: {contains: 10-flannel.link is applied}
                """, "t.yaml", "t");
        assertThat(s.steps().getFirst()).isEqualTo(new ScenarioStep.Daemon(6, "udev", "172.31.159.20", List.of(),
                Optional.empty(), List.of("udevadm", "test-builtin", "net_setup_link", "/sys/class/net/flannel.1"),
                false, List.of("10-flannel.link is applied")));
        assertThat(((ScenarioStep.Daemon) s.steps().getFirst()).client()).isEqualTo("udevadm");
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

    @Test
    void readsTheStoryStepsSayingsAddressesAndTheNodeCountOverride() throws Exception {
        Scenario s = ScenarioParser.parse(HEAD + """
                  - expect-healthy: {say: before the fault}
                  - counter: {node: 172.31.159.19, counter: rx-otherhost-dropped}
                  - capture:
                      node: 10.187.1.24
                      expect: {no-syn-acks-to: "b6:9b:ed:b0:37:74", min-syns: 2, min-syn-acks: 3}
                  - probe:
                      checks:
                        - {from: node 0, to: "http://10.186.0.2:9153/metrics", expect: timeout}
                        - {from: node 0, to: 10.187.1.24, expect: broken}
                      broken: [{across: 0}]
                  - stop-captures
                  - run: {node: 0, command: ip route get 10.187.0.0, expect: {matches: "^local", contains: dev lo}}
                  - run: {node: 0, command: [ip, route, show], expect: {lines: peers}}
                  - counter: {node: 0, counter: rx-otherhost-dropped, expect: rises, say: the drops}
                  - advertised-mac: {node: 0, expect: differs}
                  - trace: {from: 0, to: 10.187.1.24, expect: {delivered: false, says: otherhost}}
                """, "t.yaml", "t");
        List<ScenarioStep> steps = s.steps();
        assertThat(s.say(steps.get(0))).contains("before the fault");
        assertThat(s.say(steps.get(1))).isEmpty();
        assertThat(s.say(steps.get(7))).contains("the drops");
        assertThat(steps.get(1)).isEqualTo(new ScenarioStep.Counter(7, "172.31.159.19", "flannel.1",
                "rx-otherhost-dropped", Optional.empty()));
        assertThat(steps.get(2)).isEqualTo(new ScenarioStep.Capture(8, "172.31.159.20", "flannel.1", Optional.empty(),
                Optional.empty(), Optional.empty(), new ScenarioStep.CaptureCounts(
                        Optional.of(MacAddress.parse("b6:9b:ed:b0:37:74")), 2, 3)));
        ScenarioStep.Probe probe = (ScenarioStep.Probe) steps.get(3);
        assertThat(probe.checks()).extracting(ProbeCheck::to)
                .containsExactly("http://10.186.0.2:9153/metrics", "coredns@172.31.159.20");
        assertThat(probe.checks().getFirst().url()).contains(new dev.vxlab.lab.probe.Probe.HttpGet(
                dev.vxlab.detectors.addr.Ipv4.parse("10.186.0.2"), 9153, "/metrics"));
        // Across node 0: from it (node and pod) to everything elsewhere, and from everywhere else to its pod.
        List<Cells> across = probe.broken().orElseThrow();
        assertThat(across).hasSize(2);
        assertThat(across.get(0).from()).containsExactly("node 172.31.159.19", "pod app@172.31.159.19");
        assertThat(across.get(0).to()).containsExactly("app@172.31.159.20", "app@172.31.159.21",
                "coredns@172.31.159.20", "coredns@172.31.159.21", "dns/udp", "dns/tcp");
        assertThat(across.get(1).to()).containsExactly("app@172.31.159.19");
        assertThat(across.get(1).from()).hasSize(4).doesNotContain("node 172.31.159.19");
        assertThat(steps.get(4)).isEqualTo(new ScenarioStep.StopCaptures(16));
        assertThat(steps.get(5)).isEqualTo(new ScenarioStep.Run(17, "172.31.159.19",
                List.of("ip", "route", "get", "10.187.0.0"), List.of("dev lo"), Optional.of("^local"), Optional.empty()));
        assertThat(((ScenarioStep.Run) steps.get(6)).lines()).contains(2);
        assertThat(steps.get(7)).isEqualTo(new ScenarioStep.Counter(19, "172.31.159.19", "flannel.1",
                "rx-otherhost-dropped", Optional.of("rises")));
        assertThat(steps.get(8)).isEqualTo(new ScenarioStep.AdvertisedMac(20, "172.31.159.19", true));
        assertThat(steps.get(9)).isEqualTo(new ScenarioStep.Trace(21, "172.31.159.19",
                dev.vxlab.detectors.addr.Ipv4.parse("10.187.1.24"), Optional.of(false), List.of("otherhost")));
    }

    @Test
    void theNodeCountCanBeOverriddenAndPeersFollowsIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("story.yaml");
        java.nio.file.Files.writeString(file, HEAD + "  - run: {node: 0, command: ip route, expect: {lines: peers}}\n");
        Scenario seven = ScenarioParser.parse(file, java.util.OptionalInt.of(7));
        assertThat(seven.cluster().nodes()).hasSize(7);
        assertThat(((ScenarioStep.Run) seven.steps().getFirst()).lines()).contains(6);
        assertThat(ScenarioParser.parse(file).cluster().nodes()).hasSize(3);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("bad YAML", HEAD + "  - inject: {fault: x, node: 0\n  - wait: 1s\n", 7, "not valid YAML"),
                Arguments.of("bad YAML indentation", "description: x\n cluster: y\n", 2, "not valid YAML"),
                Arguments.of("unknown step", HEAD + "  - expect-healthy\n  - pause: 1s\n", 7,
                        "unknown step 'pause' (known: probe, inject, capture, doctor, fix, wait, expect-healthy, stop-captures, "
                                + "run, counter, advertised-mac, trace, networkmanager, firewalld, udev)"),
                Arguments.of("unknown NetworkManager config", HEAD + "  - expect-healthy\n"
                        + "  - networkmanager: {node: 0, config: [cloned-mac]}\n", 7,
                        "unknown NetworkManager configuration 'cloned-mac' (known: default, unmanaged-flannel, "),
                Arguments.of("unknown firewalld action", HEAD + "  - expect-healthy\n"
                        + "  - firewalld: {node: 0, action: boot}\n", 7,
                        "unknown firewalld action 'boot' (known: start, stop, restart, reload)"),
                Arguments.of("a udev step that would reach udevd", HEAD + "  - expect-healthy\n"
                        + "  - udev: {node: 0, udevadm: trigger --action=add}\n", 7,
                        "a udev step runs 'test-builtin net_setup_link /sys/class/net/DEV' or 'info ...', not "
                                + "'trigger --action=add'"),
                Arguments.of("a udev step without udevadm", HEAD + "  - expect-healthy\n"
                        + "  - udev: {node: 0}\n", 7, "udevadm"),
                Arguments.of("a daemon step with nothing to do", HEAD + "  - expect-healthy\n"
                        + "  - networkmanager: {node: 0}\n", 7,
                        "a networkmanager step needs config, action or nmcli"),
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
                Arguments.of("say that is no text", HEAD + "  - expect-healthy: {say: [a, b]}\n", 6,
                        "say must be a single value, not a list"),
                Arguments.of("stop-captures without a capture", HEAD + "  - stop-captures\n", 6,
                        "stop-captures has no capture to stop"),
                Arguments.of("bad min-syns", HEAD + "  - capture: {node: 0, expect: {min-syns: many}}\n", 6,
                        "min-syns must be a whole number"),
                Arguments.of("bad no-syn-acks-to", HEAD + "  - capture:\n      node: 0\n      expect:\n"
                        + "        no-syn-acks-to: b6\n", 9, "no-syn-acks-to must be a MAC address"),
                Arguments.of("run without command", HEAD + "  - run: {node: 0}\n", 6, "run needs 'command'"),
                Arguments.of("run with a bad regex", HEAD + "  - run:\n      node: 0\n      command: ip route\n"
                        + "      expect: {matches: \"(local\"}\n", 9, "matches must be a regular expression"),
                Arguments.of("run with an unknown expectation", HEAD + "  - run:\n      node: 0\n"
                        + "      command: ip route\n      expect: {equals: x}\n", 9,
                        "unknown key 'equals' in a run's expect (known: contains, lines, matches)"),
                Arguments.of("run lines not a number", HEAD + "  - run: {node: 0, command: ip route, expect: {lines: all}}\n",
                        6, "lines must be a whole number, not the text 'all'"),
                Arguments.of("unknown counter", HEAD + "  - counter: {node: 0, counter: rx-otherhost}\n", 6,
                        "unknown counter 'rx-otherhost' (known: "),
                Arguments.of("counter expectation without a reading", HEAD
                        + "  - counter: {node: 0, counter: rx-dropped, expect: rises}\n", 6,
                        "no earlier counter step reads rx-dropped of flannel.1 on node 172.31.159.19"),
                Arguments.of("counter expectation unknown", HEAD + "  - counter: {node: 0, counter: rx-dropped}\n"
                        + "  - counter: {node: 0, counter: rx-dropped, expect: falls}\n", 7,
                        "a counter's expect is rises or steady, not 'falls'"),
                Arguments.of("advertised-mac without expect", HEAD + "  - advertised-mac: {node: 0}\n", 6,
                        "advertised-mac needs 'expect'"),
                Arguments.of("advertised-mac expecting nonsense", HEAD
                        + "  - advertised-mac: {node: 0, expect: same}\n", 6, "advertised-mac's expect is differs"),
                Arguments.of("trace to no address", HEAD + "  - trace: {from: 0, to: coredns@1}\n", 6,
                        "a trace goes to an IPv4 address like 10.187.1.24, not 'coredns@1'"),
                Arguments.of("trace delivered not a boolean", HEAD
                        + "  - trace: {from: 0, to: 10.187.1.24, expect: {delivered: no-way}}\n", 6,
                        "delivered must be true or false"),
                Arguments.of("across a node running CoreDNS", HEAD + "  - probe:\n      broken: [{across: 1}]\n", 7,
                        "across 172.31.159.20: a CoreDNS pod runs there"),
                Arguments.of("across with from", HEAD + "  - probe:\n      broken:\n        - {across: 0, from: node 1}\n",
                        8, "unknown key 'from' in an entry of broken with across (known: across)"),
                Arguments.of("a check to a bad URL", HEAD + "  - probe:\n      checks:\n"
                        + "        - {from: node 0, to: \"http://coredns/metrics\", expect: timeout}\n", 8,
                        "'http://coredns/metrics' is not a URL like http://10.186.0.2:9153/metrics"),
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

    @Test
    void anErrorQuotesOnlyAShortExcerptOfTheFile() {
        String notYaml = "package dev.vxlab.lab; import a.very.long.Name; import another.very.long.Name;\n"
                + "public final class Lab implements AutoCloseable { private final Cluster cluster; }\n".repeat(50);
        assertThatThrownBy(() -> ScenarioParser.parse(notYaml, "Lab.java", "lab"))
                .isInstanceOf(ScenarioFileException.class)
                .satisfies(e -> assertThat(e.getMessage())
                        .isEqualTo("Lab.java:1: a scenario file must be a map (key: value lines), not the text "
                                + "'package dev.vxlab.lab; import a.very.lon...'"));
    }
}
