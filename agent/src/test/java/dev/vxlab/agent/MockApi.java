package dev.vxlab.agent;

import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * What the agent's tests and the benchmarks' AgentIdleCost do to fabric8's API mock (shared as this module's
 * test-jar): a kubeconfig that points the agent at it, and flannel's Node objects published in it.
 */
public final class MockApi {
    private MockApi() {}

    /** A kubeconfig for the mock at {@code server}, with a token it does not check. */
    public static String kubeconfig(String server) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster:
                    server: %s
                    insecure-skip-tls-verify: true
                users:
                - name: agent
                  user:
                    token: mock-token
                contexts:
                - name: mock
                  context:
                    cluster: mock
                    user: agent
                current-context: mock
                """.formatted(server);
    }

    /**
     * What flannel does on the API server: each node of the NodeList (as the lab's NodeListWriter writes it) created,
     * or, when it exists, given the list's annotations and podCIDR.
     */
    public static void publish(KubernetesClient api, String nodeList) {
        for (Node n : api.getKubernetesSerialization().unmarshal(nodeList, KubernetesList.class).getItems().stream()
                .map(Node.class::cast).toList()) {
            Node existing = api.nodes().withName(n.getMetadata().getName()).get();
            if (existing == null) {
                n.getMetadata().setResourceVersion(null);
                api.nodes().resource(n).create();
            } else {
                api.nodes().withName(n.getMetadata().getName()).edit(e -> {
                    e.getMetadata().getAnnotations().putAll(n.getMetadata().getAnnotations()); // flannel's
                    e.getSpec().setPodCIDR(n.getSpec().getPodCIDR());
                    return e;
                });
            }
        }
    }
}
