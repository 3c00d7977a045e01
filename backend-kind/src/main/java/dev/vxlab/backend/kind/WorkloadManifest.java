package dev.vxlab.backend.kind;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What runs in a kind lab's pods, as a user would deploy it: DNS is kind's own CoreDNS (kubeadm's deployment, two
 * replicas answering the cluster domain on 53 and serving Prometheus metrics on :9153), kept off the control plane
 * and spread over the workers like the field's (its faulty node ran no CoreDNS); and one application pod per node,
 * busybox httpd serving the field's 19491-byte metrics body on :9153, so every pod answers the same HTTP probe.
 */
record WorkloadManifest(String image, byte[] metricsBody) {
    static final String NAMESPACE = "vxlab";
    static final String APP = "vxlab-app";
    static final String BODY_MAP = "vxlab-metrics";
    static final int PORT = 9153;
    static final String COREDNS_LABEL = "k8s-app=kube-dns";

    String render() {
        return Yaml.documents(objects());
    }

    List<ObjectNode> objects() {
        ObjectNode ns = Yaml.resource("v1", "Namespace", NAMESPACE, null);
        ObjectNode body = Yaml.resource("v1", "ConfigMap", BODY_MAP, NAMESPACE);
        body.putObject("data").put("metrics", new String(metricsBody, java.nio.charset.StandardCharsets.UTF_8));
        return List.of(ns, body, daemonSet());
    }

    private ObjectNode daemonSet() {
        ObjectNode ds = Yaml.resource("apps/v1", "DaemonSet", APP, NAMESPACE);
        ObjectNode spec = ds.putObject("spec");
        spec.putObject("selector").putObject("matchLabels").put("app", APP);
        ObjectNode template = spec.putObject("template");
        template.putObject("metadata").putObject("labels").put("app", APP);
        ObjectNode pod = template.putObject("spec");
        pod.putArray("tolerations").addObject().put("operator", "Exists").put("effect", "NoSchedule");
        ObjectNode httpd = pod.putArray("containers").addObject();
        httpd.put("name", "httpd").put("image", image);
        httpd.putArray("command").add("httpd").add("-f").add("-p").add(Integer.toString(PORT)).add("-h").add("/www");
        httpd.putArray("ports").addObject().put("containerPort", PORT).put("name", "metrics");
        httpd.putArray("volumeMounts").addObject().put("name", "www").put("mountPath", "/www");
        httpd.putObject("readinessProbe").putObject("tcpSocket").put("port", PORT);
        pod.putArray("volumes").addObject().put("name", "www").putObject("configMap").put("name", BODY_MAP);
        return ds;
    }

    /**
     * The strategic-merge patch for kube-system/coredns: never on the control plane (node 0, where the field's story
     * injects its faults), preferably one replica per worker.
     */
    static String coreDnsPatch() {
        ObjectNode patch = Yaml.JSON.createObjectNode();
        ObjectNode affinity = patch.putObject("spec").putObject("template").putObject("spec").putObject("affinity");
        affinity.putObject("nodeAffinity").putObject("requiredDuringSchedulingIgnoredDuringExecution")
                .putArray("nodeSelectorTerms").addObject().putArray("matchExpressions").addObject()
                .put("key", "node-role.kubernetes.io/control-plane").put("operator", "DoesNotExist");
        ArrayNode preferred = affinity.putObject("podAntiAffinity")
                .putArray("preferredDuringSchedulingIgnoredDuringExecution");
        ObjectNode term = preferred.addObject().put("weight", 100).putObject("podAffinityTerm");
        term.put("topologyKey", "kubernetes.io/hostname");
        term.putObject("labelSelector").putObject("matchLabels").put("k8s-app", "kube-dns");
        return patch.toString();
    }
}
