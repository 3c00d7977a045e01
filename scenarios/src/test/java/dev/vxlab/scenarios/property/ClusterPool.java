package dev.vxlab.scenarios.property;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.fix.FixPlan;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.lab.Lab;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.ClusterNode;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.backend.netns.NetnsBackend;
import dev.vxlab.lab.doctor.LabDoctor;
import dev.vxlab.lab.probe.ConnectivityMatrix;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One real cluster at a time, reused across schedules of the same shape: before each schedule it must be healthy
 * (every probe passes, the doctor names nothing); a cluster the last schedule left broken is healed with the doctor's
 * fixes and a flanneld restart on every node, and replaced by a new one if that does not do it. A new cluster is
 * property 1's case: freshly built and healthy, so every probe must pass and the doctor must find nothing.
 */
final class ClusterPool implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofMillis(800);

    private final Path dir;
    private Lab lab;
    private LabDoctor doctor;
    private ClusterShape shape;
    private boolean knownHealthy;
    private int built;
    private int healed;
    private int reused;

    ClusterPool(Path dir) {
        this.dir = dir;
    }

    record Ready(Lab lab, LabDoctor doctor) {}

    /** A healthy cluster of the shape (property 1 is checked on every new one). */
    Ready healthy(ClusterShape wanted) throws LabException {
        if (lab != null && wanted.equals(shape) && (knownHealthy || heal())) {
            knownHealthy = false;
            reused++;
            forgetLearnedPathMtus();
            return new Ready(lab, doctor);
        }
        close();
        lab = Lab.start(new NetnsBackend(), wanted.spec(), LabRun.random(dir));
        doctor = new LabDoctor(lab);
        shape = wanted;
        built++;
        ConnectivityMatrix matrix = lab.matrix(TIMEOUT);
        assertThat(matrix.failures()).as("property 1: a new healthy cluster (" + wanted + "): every probe passes")
                .isEmpty();
        assertThat(impairing(doctor.examine())).as("property 1: the doctor finds nothing on a healthy " + wanted)
                .isEmpty();
        knownHealthy = false;
        return new Ready(lab, doctor);
    }

    /** The schedule that just ran left the cluster healthy (its recovery check passed): no need to probe again. */
    void markHealthy() {
        knownHealthy = true;
    }

    private boolean heal() throws LabException {
        healed++;
        List<FixPlan> plans = new ArrayList<>();
        doctor.examine().values().forEach(e -> plans.addAll(doctor.plan(e)));
        try {
            doctor.apply(plans);
            for (ClusterNode node : lab.cluster().nodes()) {
                lab.restartFlanneld(node.name());
            }
        } catch (LabException e) {
            return false;
        }
        return lab.matrix(TIMEOUT).allOk() && impairing(doctor.examine()).isEmpty();
    }

    /**
     * A reused cluster must start a schedule as a new one does. The kernel keeps path-MTU exceptions learned from ICMP
     * frag-needed for ten minutes (net.ipv4.route.mtu_expires), and the snapshots, hence the model, hold only the
     * routing tables: without this, a schedule after an MTU fault saw a kernel that had learned to fit (see
     * docs/properties.md).
     */
    private void forgetLearnedPathMtus() throws LabException {
        List<dev.vxlab.detectors.remote.Remote> shells = new ArrayList<>();
        lab.cluster().nodes().forEach(n -> shells.add(n.remote()));
        lab.cluster().pods().forEach(p -> shells.add(p.remote()));
        for (var shell : shells) {
            if (!shell.run(List.of("ip", "route", "flush", "cache")).ok()) {
                throw new LabException("cannot flush the route cache on " + shell.name());
            }
        }
    }

    static List<String> impairing(Map<String, LabDoctor.Examined> examined) {
        List<String> out = new ArrayList<>();
        for (LabDoctor.Examined e : examined.values()) {
            for (Finding f : e.diagnosis().findings()) {
                if (f.severity().impairsTraffic()) {
                    out.add(f.node() + " " + f.fault() + " " + f.device() + ": " + f.summary());
                }
            }
        }
        return out;
    }

    int built() {
        return built;
    }

    /** How many times a cluster that was not known to be healthy had to be healed. */
    int healed() {
        return healed;
    }

    /** How many schedules ran on a cluster an earlier schedule had used. */
    int reused() {
        return reused;
    }

    @Override
    public void close() {
        if (doctor != null) {
            doctor.close();
        }
        if (lab != null) {
            lab.close();
        }
        lab = null;
        doctor = null;
        shape = null;
    }
}
