package dev.vxlab.detectors.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.detectors.state.NmFacts;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.state.RoutingRule;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** IpJsonSource against replayed iproute2 6.1 output: probing, composition, fallbacks and errors. */
class IpJsonSourceTest {

    @Test
    void buildsAWholeSnapshotFromTheSevenCommands() throws Exception {
        List<String> ran = new ArrayList<>();
        Samples.Replay replay = Samples.Replay.numeric();
        CommandRunner recording = argv -> {
            ran.add(String.join(" ", argv));
            return replay.run(argv);
        };
        NmFacts nm = new NmFacts(true, true, List.of("interface-name:flannel*"));
        NodeState s = IpJsonSource.of(recording, () -> nm).snapshot();
        assertThat(ran).containsExactly("ip -N -V", "uname -r", "ip -j -d -s -s link show", "ip -j -N -4 addr show",
                "ip -j -N -4 -d route show table all", "ip -j -4 neigh show nud all", "bridge -j fdb show",
                "ip -j -4 netconf show", "ip -j -N -4 rule show");
        assertThat(s.links()).hasSize(6);
        assertThat(s.addresses()).hasSize(4);
        assertThat(s.routesIn(Route.TABLE_LOCAL)).hasSize(8);
        assertThat(s.routesIn(Route.TABLE_MAIN)).hasSize(7);
        assertThat(s.routesIn(100)).hasSize(1);
        assertThat(s.neighborsOf("flannel.1")).hasSize(2);
        assertThat(s.fdb()).hasSize(2).allSatisfy(e -> assertThat(e.dev().name()).isEqualTo("flannel.1"));
        assertThat(s.sysctls().ipForward()).isTrue();
        assertThat(s.networkManager()).isEqualTo(nm);
        assertThat(s.link("flannel.1").orElseThrow().counters().orElseThrow().rxOtherhostDropped()).hasValue(0);
        assertThat(s.rules()).hasSize(12).extracting(RoutingRule::priority)
                .containsExactly(0L, 50L, 60L, 70L, 71L, 80L, 90L, 91L, 92L, 93L, 32766L, 32767L);
    }

    @Test
    void readsEveryKindOfPolicyRule() throws Exception {
        List<RoutingRule> rules = IpJsonSource.of(Samples.Replay.numeric(), NmFactsSource.NOT_INSPECTED).snapshot()
                .rules();
        assertThat(rules.get(0)).isEqualTo(RoutingRule.lookup(0, Route.TABLE_LOCAL));
        assertThat(rules.get(1)).satisfies(r -> {
            assertThat(r.action()).isEqualTo(RoutingRule.Action.TO_TABLE);
            assertThat(r.table()).isEqualTo(100);
            assertThat(r.dst()).contains(Ipv4Prefix.parse("10.244.2.0/24"));
            assertThat(r.src()).isEmpty();
        });
        assertThat(rules.get(2)).satisfies(r -> {
            assertThat(r.action()).isEqualTo(RoutingRule.Action.PROHIBIT);
            assertThat(r.invert()).isTrue();
            assertThat(r.src()).contains(Ipv4Prefix.parse("10.1.0.0/16"));
            assertThat(r.iif()).contains("eth9");
            assertThat(r.oif()).contains("lo");
            assertThat(r.fwmark()).isEqualTo(1);
            assertThat(r.fwmask()).isEqualTo(3);
        });
        assertThat(rules.get(3).action()).isEqualTo(RoutingRule.Action.BLACKHOLE);
        assertThat(rules.get(4).action()).isEqualTo(RoutingRule.Action.UNREACHABLE);
        assertThat(rules.get(5).suppressPrefixlen()).isZero();
        assertThat(rules.get(6)).satisfies(r -> {
            assertThat(r.action()).isEqualTo(RoutingRule.Action.GOTO);
            assertThat(r.gotoTarget()).isEqualTo(32766);
            assertThat(r.tos()).isEqualTo(0x10);
        });
        assertThat(rules.get(7).action()).isEqualTo(RoutingRule.Action.NOP);
        assertThat(rules.get(8)).satisfies(r -> {
            assertThat(r.otherSelectors()).as("ipproto and dport").isTrue();
            assertThat(r.src()).contains(Ipv4Prefix.parse("10.187.0.5/32"));
        });
        assertThat(rules.get(9)).satisfies(r -> {
            assertThat(r.fwmark()).isEqualTo(0x20);
            assertThat(r.fwmask()).isEqualTo(0xFFFF_FFFFL);
            assertThat(r.otherSelectors()).isFalse();
        });
    }

    @Test
    void anIproute2WithoutNumericOutputGivesTheSameSnapshot() throws Exception {
        NodeState numeric = IpJsonSource.of(Samples.Replay.numeric(), NmFactsSource.NOT_INSPECTED).snapshot();
        NodeState names = IpJsonSource.of(Samples.Replay.names(), NmFactsSource.NOT_INSPECTED).snapshot();
        assertThat(names).isEqualTo(numeric);
    }

    @Test
    void aMissingOtherhostCounterIsUnknownOnOldKernelsOrOldIproute2() throws Exception {
        NodeState oldKernel = IpJsonSource.of(Samples.Replay.numeric().answer("uname -r", "4.19.90-17.ky10.aarch64\n"),
                NmFactsSource.NOT_INSPECTED).snapshot();
        assertThat(oldKernel.link("flannel.1").orElseThrow().counters().orElseThrow().rxOtherhostDropped()).isEmpty();
        assertThat(oldKernel.link("eth0").orElseThrow().counters().orElseThrow().rxOtherhostDropped()).hasValue(3);
        NodeState oldTool = IpJsonSource.of(Samples.Replay.numeric()
                .answer("ip -N -V", "ip utility, iproute2-5.15.0, libbpf 0.5.0\n"), NmFactsSource.NOT_INSPECTED)
                .snapshot();
        assertThat(oldTool.link("flannel.1").orElseThrow().counters().orElseThrow().rxOtherhostDropped()).isEmpty();
        assertThat(oldTool.withoutCounters()).isEqualTo(oldKernel.withoutCounters());
    }

    @Test
    void comparesVersionsAsPrinted() {
        Pattern iproute2 = Pattern.compile("iproute2-v?(\\d+)\\.(\\d+)");
        assertThat(IpJsonSource.atLeast(iproute2, "ip utility, iproute2-6.1.0, libbpf 1.1.2", 6, 0)).isTrue();
        assertThat(IpJsonSource.atLeast(iproute2, "ip utility, iproute2-5.19.0", 6, 0)).isFalse();
        assertThat(IpJsonSource.atLeast(iproute2, "ip utility, iproute2-ss190107", 6, 0)).isFalse();
        Pattern kernel = Pattern.compile("^(\\d+)\\.(\\d+)");
        assertThat(IpJsonSource.atLeast(kernel, "5.19.0-1-amd64", 5, 19)).isTrue();
        assertThat(IpJsonSource.atLeast(kernel, "5.4.0", 5, 19)).isFalse();
        assertThat(IpJsonSource.atLeast(kernel, "10.0", 5, 19)).isTrue();
    }

    @Test
    void takesTheSnapshotAgainWhenADeviceChangesBetweenCommands() throws Exception {
        Samples.Replay replay = Samples.Replay.numeric();
        AtomicInteger routeDumps = new AtomicInteger();
        String racing = Samples.read("route.json").replaceFirst("\"dev\":\"eth0\"", "\"dev\":\"eth1\"");
        CommandRunner flaky = argv -> {
            if (argv.contains("route") && routeDumps.getAndIncrement() == 0) {
                return new CommandRunner.Output(0, racing, "");
            }
            return replay.run(argv);
        };
        NodeState s = IpJsonSource.of(flaky, NmFactsSource.NOT_INSPECTED).snapshot();
        assertThat(routeDumps).hasValue(2);
        assertThat(s).isEqualTo(IpJsonSource.of(replay, NmFactsSource.NOT_INSPECTED).snapshot());

        CommandRunner alwaysRacing = argv -> argv.contains("route") ? new CommandRunner.Output(0, racing, "")
                : replay.run(argv);
        assertThatThrownBy(() -> IpJsonSource.of(alwaysRacing, NmFactsSource.NOT_INSPECTED).snapshot())
                .isInstanceOf(SnapshotException.class)
                .hasMessage("the node's devices kept changing while it was read: device of route 10.97.0.0/16 is "
                        + "eth1, which the link dump did not list");
    }

    @Test
    void aFailingCommandIsOneSentenceWithItsStderr() throws Exception {
        CommandRunner broken = Samples.Replay.numeric().answer("ip -j -4 neigh show nud all",
                new CommandRunner.Output(1, "", "Cannot open netlink socket: Permission denied\n"));
        assertThatThrownBy(() -> IpJsonSource.of(broken, NmFactsSource.NOT_INSPECTED).snapshot())
                .isInstanceOf(SnapshotException.class)
                .hasMessage("'ip -j -4 neigh show nud all' exited 1: Cannot open netlink socket: Permission denied");
        CommandRunner noIp = argv -> {
            throw new java.io.IOException("cannot start 'ip -N -V': No such file or directory");
        };
        assertThatThrownBy(() -> IpJsonSource.of(noIp, NmFactsSource.NOT_INSPECTED))
                .hasMessage("cannot run 'ip -N -V': cannot start 'ip -N -V': No such file or directory");
    }

    @Test
    void aNodeWithoutVxlanDevicesSkipsTheFdbDump() throws Exception {
        String onlyLo = "[" + Samples.read("link.json").substring(1).split("\\},\\{\"ifindex\":2")[0] + "}]";
        Samples.Replay replay = Samples.Replay.numeric().answer("ip -j -d -s -s link show", onlyLo)
                .answer("ip -j -N -4 addr show", "[]").answer("ip -j -N -4 -d route show table all", "[]")
                .answer("ip -j -4 neigh show nud all", "[]")
                .answer("bridge -j fdb show", new CommandRunner.Output(1, "", "must not run"));
        NodeState s = IpJsonSource.of(replay, NmFactsSource.NOT_INSPECTED).snapshot();
        assertThat(s.links()).singleElement().satisfies(l -> assertThat(l.name()).isEqualTo("lo"));
        assertThat(s.fdb()).isEmpty();
    }

    @Test
    void netnsRunnerNamesMustBePlain() throws Exception {
        assertThatThrownBy(() -> CommandRunner.netns("../etc")).hasMessageContaining("../etc");
        assertThatThrownBy(() -> CommandRunner.netns("a b")).isInstanceOf(IllegalArgumentException.class);
        // A plain name is accepted and used: ip (with -n) and any other program (under ip netns exec) run in that
        // namespace, so in the test sandbox, where it does not exist, both fail naming it.
        CommandRunner absent = CommandRunner.netns("vxlab-absent0");
        for (List<String> argv : List.of(List.of("ip", "link", "show", "lo"), List.of("true"))) {
            CommandRunner.Output out = absent.run(argv);
            assertThat(out.exitCode()).as("%s", argv).isNotZero();
            assertThat(out.stderr()).as("%s", argv).contains("vxlab-absent0");
        }
    }
}
