package dev.vxlab.lab.model;

import dev.vxlab.detectors.model.DataplaneModel;
import dev.vxlab.detectors.model.PodAttachment;
import dev.vxlab.detectors.source.CommandRunner;
import dev.vxlab.detectors.source.IpJsonSource;
import dev.vxlab.detectors.source.NmFactsSource;
import dev.vxlab.detectors.source.SnapshotException;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.lab.backend.Cluster;
import dev.vxlab.lab.backend.ClusterNode;
import dev.vxlab.lab.backend.ClusterPod;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Snapshots every node and pod namespace of a running lab cluster with iproute2's JSON and builds the model. */
final class LabSnapshots {
    private LabSnapshots() {}

    static DataplaneModel model(Cluster cluster) throws SnapshotException {
        Map<String, NodeState> nodes = new LinkedHashMap<>();
        for (ClusterNode node : cluster.nodes()) {
            nodes.put(node.name(), snapshot(node.netnsFile()));
        }
        Map<String, NodeState> pods = new LinkedHashMap<>();
        List<PodAttachment> attachments = new ArrayList<>();
        for (ClusterPod pod : cluster.pods()) {
            pods.put(pod.plan().label(), snapshot(pod.netnsFile()));
            attachments.add(new PodAttachment(pod.plan().label(), pod.plan().node(), pod.plan().hostVeth()));
        }
        return DataplaneModel.of(nodes, pods, attachments);
    }

    private static NodeState snapshot(Optional<Path> netnsFile) throws SnapshotException {
        String namespace = netnsFile.orElseThrow().getFileName().toString();
        return IpJsonSource.of(CommandRunner.netns(namespace), NmFactsSource.NOT_INSPECTED).snapshot();
    }
}
