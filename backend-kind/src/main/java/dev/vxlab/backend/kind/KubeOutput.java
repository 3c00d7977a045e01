package dev.vxlab.backend.kind;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.lab.LabException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads what kind, kubectl, docker and ip print: each parser takes the text and fails with one sentence. */
final class KubeOutput {
    private KubeOutput() {}

    /** A pod as {@code kubectl get pods -o json} shows it. */
    record PodInfo(String namespace, String name, String node, Optional<Ipv4> ip, String phase, boolean ready,
            Map<String, String> labels, boolean terminating) {

        /** Serving now and staying: Running, Ready, not being deleted (a rollout's old pods linger a while). */
        boolean serving() {
            return phase.equals("Running") && ready && !terminating && ip.isPresent();
        }
    }

    /** {@code kind get clusters}: one name a line; kind says "No kind clusters found." when there are none. */
    static List<String> clusters(String stdout) {
        return stdout.lines().map(String::strip).filter(l -> !l.isEmpty())
                .filter(l -> !l.startsWith("No kind clusters")).toList();
    }

    /** The lab runs among kind's clusters: names that are vxlab run prefixes. */
    static List<String> labClusters(String stdout) {
        return clusters(stdout).stream().filter(c -> c.matches("vx[a-z0-9]{1,6}")).sorted().toList();
    }

    static List<PodInfo> pods(String json) throws LabException {
        JsonNode root = tree(json, "kubectl get pods -o json");
        List<PodInfo> pods = new ArrayList<>();
        for (JsonNode item : root.path("items")) {
            JsonNode meta = item.path("metadata");
            Map<String, String> labels = new LinkedHashMap<>();
            meta.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
            String ipText = item.path("status").path("podIP").asText("");
            Optional<Ipv4> ip = ipText.isEmpty() ? Optional.empty() : Optional.of(Ipv4.parse(ipText));
            boolean ready = false;
            for (JsonNode condition : item.path("status").path("conditions")) {
                if (condition.path("type").asText().equals("Ready")) {
                    ready = condition.path("status").asText().equals("True");
                }
            }
            pods.add(new PodInfo(meta.path("namespace").asText(), meta.path("name").asText(),
                    item.path("spec").path("nodeName").asText(""), ip, item.path("status").path("phase").asText(""),
                    ready, Map.copyOf(labels), meta.hasNonNull("deletionTimestamp")));
        }
        return List.copyOf(pods);
    }

    /** Each node's Ready condition from {@code kubectl get nodes -o json}, in the list's order. */
    static Map<String, Boolean> nodesReady(String json) throws LabException {
        JsonNode root = tree(json, "kubectl get nodes -o json");
        Map<String, Boolean> ready = new LinkedHashMap<>();
        for (JsonNode item : root.path("items")) {
            boolean isReady = false;
            for (JsonNode condition : item.path("status").path("conditions")) {
                if (condition.path("type").asText().equals("Ready")) {
                    isReady = condition.path("status").asText().equals("True");
                }
            }
            ready.put(item.path("metadata").path("name").asText(), isReady);
        }
        return ready;
    }

    /** The control plane's nodes first (kubeadm's role label), then the workers by name: kind's own order. */
    static List<String> nodeOrder(String json) throws LabException {
        JsonNode root = tree(json, "kubectl get nodes -o json");
        List<String> control = new ArrayList<>();
        List<String> workers = new ArrayList<>();
        for (JsonNode item : root.path("items")) {
            String name = item.path("metadata").path("name").asText();
            (item.path("metadata").path("labels").has("node-role.kubernetes.io/control-plane") ? control : workers)
                    .add(name);
        }
        control.sort(null);
        workers.sort(null);
        List<String> order = new ArrayList<>(control);
        order.addAll(workers);
        return order;
    }

    /** The IPv4 subnet of a Docker network from {@code docker network inspect NAME --format '{{json .IPAM.Config}}'}. */
    static Ipv4Prefix ipv4Subnet(String json, String network) throws LabException {
        JsonNode root = tree(json, "docker network inspect " + network);
        for (JsonNode config : root) {
            String subnet = config.path("Subnet").asText("");
            if (subnet.matches("[0-9.]+/[0-9]+")) {
                return Ipv4Prefix.parse(subnet);
            }
        }
        throw new LabException("the Docker network " + network + " has no IPv4 subnet");
    }

    /** A link's MAC and MTU from {@code ip -j link show DEV}. */
    record Link(String name, String mac, int mtu) {}

    static Link link(String json) throws LabException {
        JsonNode root = tree(json, "ip -j link show");
        if (!root.isArray() || root.isEmpty()) {
            throw new LabException("ip -j link show printed no link");
        }
        JsonNode link = root.get(0);
        return new Link(link.path("ifname").asText(), link.path("address").asText(), link.path("mtu").asInt());
    }

    /** A Service's ClusterIP from {@code kubectl get service -o json}. */
    static Ipv4 clusterIp(String json) throws LabException {
        String ip = tree(json, "kubectl get service -o json").path("spec").path("clusterIP").asText("");
        if (!ip.matches("[0-9.]+")) {
            throw new LabException("the Service has no IPv4 ClusterIP ('" + ip + "')");
        }
        return Ipv4.parse(ip);
    }

    /** "IP NAMESPACE" lines (the node's netns scan) as a map; lines that are not an IPv4 and a name are skipped. */
    static Map<Ipv4, String> netnsByIp(String stdout) {
        Map<Ipv4, String> byIp = new LinkedHashMap<>();
        for (String line : stdout.lines().toList()) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length == 2 && parts[0].matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
                byIp.put(Ipv4.parse(parts[0]), parts[1]);
            }
        }
        return byIp;
    }

    private static final java.util.regex.Pattern PEER = java.util.regex.Pattern.compile("^\\d+: [^:@]+@if(\\d+):");
    private static final java.util.regex.Pattern LINK = java.util.regex.Pattern.compile("^(\\d+): ([^:@]+)(@[^:]+)?:");

    /** The ifindex of a veth's peer from {@code ip -o link show DEV} ("3: eth0@if7: ..."), if it names one. */
    static Optional<Integer> peerIndex(String ipOLink) {
        return ipOLink.lines().map(l -> PEER.matcher(l.strip())).filter(java.util.regex.Matcher::find)
                .map(m -> Integer.parseInt(m.group(1))).findFirst();
    }

    /** The name of the link with this ifindex in {@code ip -o link show} output. */
    static Optional<String> linkName(String ipOLink, int index) {
        return ipOLink.lines().map(l -> LINK.matcher(l.strip())).filter(java.util.regex.Matcher::find)
                .filter(m -> Integer.parseInt(m.group(1)) == index).map(m -> m.group(2)).findFirst();
    }

    private static JsonNode tree(String json, String what) throws LabException {
        try {
            JsonNode root = Yaml.JSON.readTree(json);
            if (root == null || root.isMissingNode()) {
                throw new LabException(what + " printed nothing");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new LabException(what + " printed something that is not JSON: " + e.getOriginalMessage());
        }
    }
}
