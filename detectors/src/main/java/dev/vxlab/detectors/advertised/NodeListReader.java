package dev.vxlab.detectors.advertised;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads what flannel advertised from the output of {@code kubectl get nodes -o json} (a List or NodeList of Nodes;
 * a single Node, as {@code kubectl get node NAME -o json} prints it, is read as a list of one). Strict: a node
 * without flannel's annotations, a malformed value or a duplicate node is an error that names the node and field.
 */
public final class NodeListReader {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private NodeListReader() {}

    public static ClusterView read(String json) throws AdvertisedViewException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new AdvertisedViewException("the node list is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"), e);
        }
        if (root == null || !root.isObject()) {
            throw new AdvertisedViewException("the node list is not a JSON object as 'kubectl get nodes -o json' prints");
        }
        String kind = root.path("kind").asText("");
        List<JsonNode> items = new ArrayList<>();
        switch (kind) {
            case "List", "NodeList" -> {
                if (!root.path("items").isArray()) {
                    throw new AdvertisedViewException("the node list has no 'items' array");
                }
                root.get("items").forEach(items::add);
            }
            case "Node" -> items.add(root);
            default -> throw new AdvertisedViewException("the JSON is " + (kind.isEmpty() ? "of no kind" : "a " + kind)
                    + ", not a node list as 'kubectl get nodes -o json' prints");
        }
        List<AdvertisedNode> nodes = new ArrayList<>(items.size());
        Set<String> names = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            AdvertisedNode node = node(items.get(i), i);
            if (!names.add(node.name())) {
                throw new AdvertisedViewException("node '" + node.name() + "' appears twice in the node list");
            }
            nodes.add(node);
        }
        return new ClusterView(nodes);
    }

    private static AdvertisedNode node(JsonNode item, int position) throws AdvertisedViewException {
        String itemKind = item.path("kind").asText("Node");
        if (!itemKind.equals("Node")) {
            throw new AdvertisedViewException("item " + (position + 1) + " of the node list is a " + itemKind
                    + ", not a Node");
        }
        JsonNode nameNode = item.path("metadata").path("name");
        if (!nameNode.isTextual() || nameNode.asText().isBlank()) {
            throw new AdvertisedViewException("item " + (position + 1) + " of the node list has no metadata.name");
        }
        String name = nameNode.asText();
        JsonNode annotations = item.path("metadata").path("annotations");

        JsonNode cidrNode = item.path("spec").path("podCIDR");
        if (!cidrNode.isTextual()) {
            throw new AdvertisedViewException("node '" + name + "' has no spec.podCIDR");
        }
        Ipv4Prefix podCidr;
        try {
            if (cidrNode.asText().indexOf('/') < 0) {
                throw new IllegalArgumentException("no prefix length");
            }
            podCidr = Ipv4Prefix.parse(cidrNode.asText());
        } catch (IllegalArgumentException e) {
            throw new AdvertisedViewException("node '" + name + "': spec.podCIDR '" + cidrNode.asText()
                    + "' is not an IPv4 CIDR", e);
        }

        String backendData = annotation(annotations, name, Flannel.BACKEND_DATA);
        JsonNode data;
        try {
            data = JSON.readTree(backendData);
        } catch (JsonProcessingException e) {
            throw new AdvertisedViewException("node '" + name + "': annotation " + Flannel.BACKEND_DATA
                    + " is not JSON: '" + backendData + "'", e);
        }
        JsonNode macNode = data == null ? null : data.path(Flannel.VTEP_MAC);
        if (macNode == null || !macNode.isTextual()) {
            throw new AdvertisedViewException("node '" + name + "': annotation " + Flannel.BACKEND_DATA + " has no "
                    + Flannel.VTEP_MAC + ": '" + backendData + "'");
        }
        MacAddress vtepMac;
        try {
            vtepMac = MacAddress.parse(macNode.asText());
        } catch (IllegalArgumentException e) {
            throw new AdvertisedViewException("node '" + name + "': " + Flannel.VTEP_MAC + " '" + macNode.asText()
                    + "' in annotation " + Flannel.BACKEND_DATA + " is not a MAC address", e);
        }

        String backendType = annotation(annotations, name, Flannel.BACKEND_TYPE);
        String ksm = annotation(annotations, name, Flannel.KUBE_SUBNET_MANAGER);
        if (!ksm.equals("true") && !ksm.equals("false")) {
            throw new AdvertisedViewException("node '" + name + "': annotation " + Flannel.KUBE_SUBNET_MANAGER
                    + " is '" + ksm + "', not true or false");
        }
        String publicIpText = annotation(annotations, name, Flannel.PUBLIC_IP);
        Ipv4 publicIp;
        try {
            publicIp = Ipv4.parse(publicIpText);
        } catch (IllegalArgumentException e) {
            throw new AdvertisedViewException("node '" + name + "': annotation " + Flannel.PUBLIC_IP + " '"
                    + publicIpText + "' is not an IPv4 address", e);
        }
        return new AdvertisedNode(name, podCidr, publicIp, vtepMac, backendType, Boolean.parseBoolean(ksm));
    }

    private static String annotation(JsonNode annotations, String node, String key) throws AdvertisedViewException {
        JsonNode value = annotations.path(key);
        if (!value.isTextual()) {
            throw new AdvertisedViewException("node '" + node + "' has no annotation " + key
                    + " (has flannel registered this node?)");
        }
        return value.asText();
    }
}
