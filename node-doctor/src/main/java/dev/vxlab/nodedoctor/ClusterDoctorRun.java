package dev.vxlab.nodedoctor;

import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.advertised.ClusterView;
import dev.vxlab.detectors.cluster.ClusterCorrelation;
import dev.vxlab.detectors.cluster.ClusterReport;
import dev.vxlab.detectors.cluster.NodeObservation;
import dev.vxlab.detectors.spi.Diagnosis;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster view on a real cluster: the NodeList plus each node's doctor's {@code --json} output (run on every node,
 * collected in one place), correlated by {@link ClusterCorrelation}. Exit 0 when the cluster is consistent and every
 * diagnosis healthy, 1 otherwise.
 */
public final class ClusterDoctorRun {
    private ClusterDoctorRun() {}

    public static int run(Path nodesFile, List<Path> diagnosisFiles, boolean json, PrintStream out)
            throws NodeDoctorException {
        if (nodesFile == null || diagnosisFiles == null || diagnosisFiles.isEmpty()) {
            throw new NodeDoctorException("on a real cluster, --all needs --nodes NODES.json and --diagnoses FILE,... "
                    + "(each node's 'vxlab doctor --host --json' output)");
        }
        ClusterView view = NodeDoctor.readNodes(nodesFile);
        List<Diagnosis> diagnoses = new ArrayList<>();
        List<NodeObservation> observations = new ArrayList<>();
        for (Path file : diagnosisFiles) {
            Diagnosis d = read(file);
            AdvertisedNode self = view.byName(d.node()).orElseThrow(() -> new NodeDoctorException(file
                    + ": node '" + d.node() + "' is not in " + nodesFile));
            diagnoses.add(d);
            observations.add(NodeObservation.ofFindings(d.node(), self.vtepMac(), d.findings()));
        }
        ClusterReport report;
        try {
            report = ClusterCorrelation.correlate(view, observations);
        } catch (IllegalArgumentException e) {
            throw new NodeDoctorException(e.getMessage(), e);
        }
        if (json) {
            out.println(report.toJson());
        } else {
            new DiagnosisPrinter(out, false).diagnoses(diagnoses);
            out.print(report.toText());
        }
        return report.consistent() && diagnoses.stream().allMatch(Diagnosis::healthy) ? NodeDoctorRun.OK
                : NodeDoctorRun.FAILED;
    }

    private static Diagnosis read(Path file) throws NodeDoctorException {
        try {
            return Diagnosis.fromJson(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new NodeDoctorException("no such file: " + file);
        } catch (IOException e) {
            throw new NodeDoctorException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new NodeDoctorException(file + ": " + e.getMessage(), e);
        }
    }
}
