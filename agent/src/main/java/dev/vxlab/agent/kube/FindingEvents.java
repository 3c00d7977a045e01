package dev.vxlab.agent.kube;

import dev.vxlab.detectors.agent.FindingChange;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Locale;
import java.util.Objects;

/**
 * A Kubernetes Event on the Node for each finding that appears (Warning) or clears (Normal), with {@code --events}:
 * where {@code kubectl describe node} and event exporters already look. In the {@value #NAMESPACE} namespace, as
 * kubelet's own node events.
 */
public final class FindingEvents {
    public static final String NAMESPACE = "default";
    static final String COMPONENT = "vxlab-agent";

    private final KubernetesClient client;
    private final String nodeName;

    public FindingEvents(KubernetesClient client, String nodeName) {
        this.client = Objects.requireNonNull(client, "client");
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
    }

    static Event event(String nodeName, String nodeUid, FindingChange change) {
        boolean appeared = change.kind() == FindingChange.Kind.APPEARED;
        String time = change.at().toString();
        return new EventBuilder()
                .withNewMetadata().withGenerateName(nodeName + ".vxlab-").withNamespace(NAMESPACE).endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion("v1").withKind("Node").withName(nodeName)
                        .withUid(nodeUid).build())
                .withType(appeared ? "Warning" : "Normal")
                .withReason(appeared ? "VxlabFindingAppeared" : "VxlabFindingCleared")
                .withMessage((appeared ? "" : "cleared: ") + change.finding().fault() + " "
                        + (change.finding().device().isEmpty() ? "" : change.finding().device() + " ")
                        + "(" + change.finding().severity().name().toLowerCase(Locale.ROOT) + "): "
                        + change.finding().summary())
                .withNewSource().withComponent(COMPONENT).withHost(nodeName).endSource()
                .withReportingComponent(COMPONENT).withReportingInstance(nodeName)
                .withFirstTimestamp(time).withLastTimestamp(time).withCount(1)
                .build();
    }

    public void post(FindingChange change, String nodeUid) {
        client.v1().events().inNamespace(NAMESPACE).resource(event(nodeName, nodeUid, change)).create();
    }
}
