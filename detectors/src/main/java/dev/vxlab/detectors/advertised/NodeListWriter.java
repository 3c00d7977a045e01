package dev.vxlab.detectors.advertised;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Writes advertisements as {@code kubectl get nodes -o json} prints a NodeList (kind List, keys sorted, four-space
 * indent), with the metadata a real kubelet and flannel leave: hostname/arch/os labels, flannel's annotations,
 * spec.podCIDR(s), the InternalIP and Hostname addresses and nodeInfo. {@link NodeListReader} reads it back to the same
 * {@link ClusterView}. Output is deterministic (the uid is derived from the node name).
 */
public final class NodeListWriter {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final DefaultIndenter INDENT = new DefaultIndenter("    ", "\n");
    private static final DefaultPrettyPrinter KUBECTL_STYLE = new DefaultPrettyPrinter(Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
            .withObjectEmptySeparator("")
            .withArrayEmptySeparator(""))
            .withObjectIndenter(INDENT)
            .withArrayIndenter(INDENT);

    private final String arch;
    private final String kubeletVersion;

    private NodeListWriter(String arch, String kubeletVersion) {
        this.arch = Objects.requireNonNull(arch, "arch");
        this.kubeletVersion = Objects.requireNonNull(kubeletVersion, "kubeletVersion");
    }

    /** amd64 nodes running kubelet v1.15.12 (the field report's version). */
    public static NodeListWriter defaults() {
        return new NodeListWriter("amd64", "v1.15.12");
    }

    /** The GOARCH the nodes report: amd64, arm64, ... */
    public NodeListWriter withArch(String goArch) {
        return new NodeListWriter(goArch, kubeletVersion);
    }

    public NodeListWriter withKubeletVersion(String version) {
        return new NodeListWriter(arch, version);
    }

    public String write(List<AdvertisedNode> nodes) {
        ObjectNode root = JSON.createObjectNode();
        root.put("apiVersion", "v1");
        ArrayNode items = root.putArray("items");
        nodes.stream().sorted(Comparator.comparing(AdvertisedNode::name)).forEach(n -> items.add(node(n)));
        root.put("kind", "List");
        ObjectNode listMeta = root.putObject("metadata");
        listMeta.put("resourceVersion", "");
        listMeta.put("selfLink", "");
        try {
            return JSON.writer(KUBECTL_STYLE).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render a node list", e); // a tree of strings always renders
        }
    }

    private ObjectNode node(AdvertisedNode n) {
        ObjectNode node = JSON.createObjectNode();
        node.put("apiVersion", "v1");
        node.put("kind", "Node");
        ObjectNode meta = node.putObject("metadata");
        ObjectNode annotations = meta.putObject("annotations");
        ObjectNode backendData = JSON.createObjectNode().put(Flannel.VTEP_MAC, n.vtepMac().toString());
        annotations.put(Flannel.BACKEND_DATA, backendData.toString());
        annotations.put(Flannel.BACKEND_TYPE, n.backendType());
        annotations.put(Flannel.KUBE_SUBNET_MANAGER, Boolean.toString(n.kubeSubnetManager()));
        annotations.put(Flannel.PUBLIC_IP, n.publicIp().toString());
        annotations.put("node.alpha.kubernetes.io/ttl", "0");
        annotations.put("volumes.kubernetes.io/controller-managed-attach-detach", "true");
        ObjectNode labels = meta.putObject("labels");
        labels.put("beta.kubernetes.io/arch", arch);
        labels.put("beta.kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", arch);
        labels.put("kubernetes.io/hostname", n.name());
        labels.put("kubernetes.io/os", "linux");
        meta.put("name", n.name());
        meta.put("uid", UUID.nameUUIDFromBytes(("vxlab-node/" + n.name()).getBytes(StandardCharsets.UTF_8)).toString());
        ObjectNode spec = node.putObject("spec");
        spec.put("podCIDR", n.podCidr().toString());
        spec.putArray("podCIDRs").add(n.podCidr().toString());
        ObjectNode status = node.putObject("status");
        ArrayNode addresses = status.putArray("addresses");
        addresses.addObject().put("address", n.publicIp().toString()).put("type", "InternalIP");
        addresses.addObject().put("address", n.name()).put("type", "Hostname");
        ObjectNode info = status.putObject("nodeInfo");
        info.put("architecture", arch);
        info.put("kubeletVersion", kubeletVersion);
        info.put("operatingSystem", "linux");
        return node;
    }
}
