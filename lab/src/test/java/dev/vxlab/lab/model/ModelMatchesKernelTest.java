package dev.vxlab.lab.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.testkit.Kernel;
import dev.vxlab.detectors.model.DataplaneModel;
import dev.vxlab.detectors.model.Exchange;
import dev.vxlab.detectors.model.Flow;
import dev.vxlab.detectors.model.Transfer;
import dev.vxlab.lab.Lab;
import dev.vxlab.lab.doctor.LabDoctor;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.backend.netns.NetnsBackend;
import dev.vxlab.lab.fault.Fault;
import dev.vxlab.lab.fault.FaultCatalog;
import dev.vxlab.lab.probe.ConnectivityMatrix;
import dev.vxlab.lab.probe.Probe;
import dev.vxlab.lab.probe.ProbeOutcome;
import dev.vxlab.lab.probe.ProbeTarget;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.spec.PodPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The differential test: on a healthy field cluster and under every lab fault (the list and parameters of
 * FaultsBreakExactlyTheirPathsTest), the model built from snapshots of every node and pod namespace predicts exactly
 * the kernel's matrix: each (source, pod) cell works in the model if and only if it worked on the real kernel.
 *
 * <p>The pod targets are HTTP GETs of a 19 KB body, so each cell is modelled as a {@link Transfer#LARGE_REPLY}: the
 * handshake, then full-size segments from the pod back to the source. The DNS Service columns go through DNAT, which
 * the model does not do, and are left out. The one exception ({@link PathMtuExemption}): under the mtu-reset of F's
 * eth0, F's own fetches the kernel completed with a path MTU it learned meanwhile; they are exempted only there, and
 * the class fails if exempted cells exceed {@link PathMtuExemption#MAX_SHARE} of the cells it compared.
 */
@Kernel
class ModelMatchesKernelTest {
    private static final Duration TIMEOUT = Duration.ofMillis(800);
    private static final ClusterSpec SPEC = ClusterSpec.field(3);
    private static final String F = SPEC.nodes().getFirst().name();

    @TempDir
    Path dir;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("healthy", Map.of()),
                Arguments.of("vtep-mac-drift", Map.of()),
                Arguments.of("routes-flushed", Map.of()),
                Arguments.of("vtep-address-removed", Map.of()),
                Arguments.of("neighbors-flushed", Map.of()),
                Arguments.of("fdb-flushed", Map.of()),
                Arguments.of("link-down", Map.of()),
                Arguments.of("link-down", Map.of("device", "cni0")),
                Arguments.of("bridge-address-removed", Map.of()),
                Arguments.of("bridge-port-detached", Map.of()),
                Arguments.of("ip-forward-off", Map.of()),
                Arguments.of("rp-filter-strict", Map.of()),
                Arguments.of("mtu-reset", Map.of()),
                Arguments.of("vxlan-device-deleted", Map.of()),
                Arguments.of("vxlan-device-recreated", Map.of()),
                Arguments.of("peer-route-wrong", Map.of()),
                Arguments.of("fdb-wrong-dst", Map.of()),
                Arguments.of("peer-mac-stale", Map.of()),
                Arguments.of("underlay-renumbered", Map.of()),
                Arguments.of("default-route-removed", Map.of()),
                Arguments.of("vtep-mac-cloned", Map.of()),
                Arguments.of("forward-policy-drop", Map.of()),
                Arguments.of("firewall-drops-vxlan-port", Map.of()));
    }

    /** Every node and pod snapshotted over netlink, as `vxlab doctor --trace` sees the cluster. */
    private static DataplaneModel model(Lab lab) throws Exception {
        try (LabDoctor doctor = new LabDoctor(lab)) {
            return doctor.model();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void modelPredictsWhatTheKernelDoes(String id, Map<String, String> params) throws Exception {
        try (Lab lab = Lab.start(new NetnsBackend(), SPEC, LabRun.random(dir))) {
            List<Fault> injected = new ArrayList<>();
            if (!id.equals("healthy")) {
                assertThat(lab.matrix(TIMEOUT).allOk()).as("healthy before").isTrue();
                injected.add(FaultCatalog.create(id, F, params, SPEC));
                lab.inject(injected.getFirst());
            }
            Set<String> lowered = PathMtuExemption.loweredUnderlays(injected, SPEC);
            ConnectivityMatrix observed = lab.matrix(TIMEOUT);
            DataplaneModel model = model(lab);

            Map<Flow, String> cells = cells(observed);
            Map<Flow, Boolean> predicted = model.reachability(List.copyOf(cells.keySet()));
            Set<String> kernelBroken = new TreeSet<>();
            Set<String> modelBroken = new TreeSet<>();
            StringBuilder explanations = new StringBuilder();
            for (Map.Entry<Flow, String> cell : cells.entrySet()) {
                String[] ends = cell.getValue().split(" -> ");
                boolean kernelOk = observed.outcome(ends[0], ends[1]) == ProbeOutcome.OK;
                boolean modelOk = predicted.get(cell.getKey());
                if (kernelOk && !modelOk && PathMtuExemption.exempt(model.exchange(cell.getKey().source(),
                        cell.getKey().destination(), cell.getKey().transfer()), lowered)) {
                    exempted.incrementAndGet();
                    continue; // the kernel learned a path MTU while the matrix was measured (see Exchange)
                }
                if (!kernelOk) {
                    kernelBroken.add(cell.getValue());
                }
                if (!modelOk) {
                    modelBroken.add(cell.getValue());
                }
                if (kernelOk != modelOk) {
                    explanations.append("\nkernel: ").append(observed.cell(ends[0], ends[1]).summary()).append('\n')
                            .append(model.exchange(cell.getKey().source(), cell.getKey().destination(),
                                    cell.getKey().transfer()).render());
                }
            }
            compared.addAndGet(cells.size());
            assertThat(modelBroken).as("the model's broken paths under " + id + " " + params + explanations)
                    .isEqualTo(kernelBroken);
        }
    }

    /** Cells compared and cells exempted as path-MTU dependent, over every case of this class. */
    private static final AtomicInteger compared = new AtomicInteger();
    private static final AtomicInteger exempted = new AtomicInteger();
    /** Below this many cells (a run filtered to a case or two) the share says nothing; the full class compares 540. */
    private static final int CELLS_FOR_A_SHARE = 200;

    @AfterAll
    static void fewCellsWereExempted() {
        if (compared.get() >= CELLS_FOR_A_SHARE) {
            assertThat(PathMtuExemption.shareProblem(exempted.get(), compared.get())).isEmpty();
        }
    }

    @Test
    void onRealSnapshotsOfTheFieldBugTheModelNamesTheOtherhostDrop() throws Exception {
        try (Lab lab = Lab.start(new NetnsBackend(), SPEC, LabRun.random(dir))) {
            lab.inject(FaultCatalog.create("vtep-mac-drift", F, Map.of(), SPEC));
            DataplaneModel model = model(lab);
            PodPlan coredns = SPEC.dnsPods().getFirst();

            Exchange exchange = model.exchange(F, coredns.ip());

            assertThat(exchange.succeeded()).isFalse();
            assertThat(exchange.request().deliveredTo(coredns.label())).as(exchange.render()).isTrue();
            assertThat(exchange.last().summary()).as(exchange.render()).isEqualTo("SYN-ACK " + coredns.ip()
                    + " -> 10.187.0.0: sent to VTEP MAC ea:77:37:86:ee:bf but 172.31.159.19's flannel.1 is"
                    + " b6:9b:ed:b0:37:74: dropped as otherhost on 172.31.159.19");
        }
    }

    /** Every (source, pod target) cell of the matrix as the flow the model plays, with its "source -> target" label. */
    private static Map<Flow, String> cells(ConnectivityMatrix matrix) {
        Map<Flow, String> cells = new LinkedHashMap<>();
        for (String source : matrix.sources()) {
            String namespace = source.substring(source.indexOf(' ') + 1); // "node X" -> X, "pod app@X" -> app@X
            for (ProbeTarget target : matrix.targets()) {
                if (target.probe() instanceof Probe.HttpGet get) {
                    cells.put(new Flow(namespace, get.dst(), Transfer.LARGE_REPLY), source + " -> " + target.label());
                }
            }
        }
        return cells;
    }
}
