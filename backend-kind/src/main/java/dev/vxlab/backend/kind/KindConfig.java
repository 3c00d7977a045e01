package dev.vxlab.backend.kind;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The kind cluster configuration (kind.x-k8s.io/v1alpha4) for a lab: one control plane and N workers, kind's own
 * CNI (kindnet) off so flannel is the CNI, the field's pod and service networks, and the field's cluster domain
 * through kubeadm patches (kubeadm's ClusterConfiguration for the API server and CoreDNS, the kubelet's
 * KubeletConfiguration for the pods' resolv.conf).
 */
record KindConfig(String name, int workers, String podSubnet, String serviceSubnet, String dnsDomain) {
    static final String API_VERSION = "kind.x-k8s.io/v1alpha4";
    static final String POD_SUBNET = "10.187.0.0/16";
    static final String SERVICE_SUBNET = "10.186.0.0/16";
    static final String DOMAIN = "cluster1.local";

    KindConfig {
        if (!name.matches("[a-z0-9][a-z0-9.-]{0,48}")) {
            throw new IllegalArgumentException("a kind cluster name is lower-case letters, digits, '.' and '-', not '"
                    + name + "'");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("a lab needs at least one worker beside the control plane, not "
                    + workers);
        }
    }

    /** The field's networks for a cluster of {@code nodes} nodes (the control plane counts as one). */
    static KindConfig field(String name, int nodes) {
        return new KindConfig(name, nodes - 1, POD_SUBNET, SERVICE_SUBNET, DOMAIN);
    }

    String render() {
        ObjectNode config = Yaml.object();
        config.put("kind", "Cluster").put("apiVersion", API_VERSION).put("name", name);
        ArrayNode nodes = config.putArray("nodes");
        nodes.addObject().put("role", "control-plane");
        for (int i = 0; i < workers; i++) {
            nodes.addObject().put("role", "worker");
        }
        config.putObject("networking").put("disableDefaultCNI", true).put("podSubnet", podSubnet)
                .put("serviceSubnet", serviceSubnet);
        ArrayNode patches = config.putArray("kubeadmConfigPatches");
        patches.add(clusterConfiguration());
        patches.add(kubeletConfiguration());
        return Yaml.write(config);
    }

    /** kind merges each patch into the kubeadm documents of the same kind; the patch is a YAML document of its own. */
    private String clusterConfiguration() {
        ObjectNode patch = Yaml.object();
        patch.put("kind", "ClusterConfiguration");
        patch.putObject("networking").put("dnsDomain", dnsDomain);
        return Yaml.write(patch);
    }

    private String kubeletConfiguration() {
        ObjectNode patch = Yaml.object();
        patch.put("kind", "KubeletConfiguration").put("clusterDomain", dnsDomain);
        return Yaml.write(patch);
    }
}
