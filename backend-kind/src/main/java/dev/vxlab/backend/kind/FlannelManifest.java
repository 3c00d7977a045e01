package dev.vxlab.backend.kind;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * vxlab's own flannel manifest: the kube-flannel Namespace, flannel's ServiceAccount and RBAC (read pods, list and
 * watch nodes, patch node status for its annotations), the ConfigMap with net-conf.json (the field's network, the
 * vxlan backend with VNI and port) and cni-conf.json (flannel delegating to bridge, plus portmap), and the DaemonSet:
 * flanneld with {@code --kube-subnet-mgr} on the host network, after three init containers that put on every node
 * what kind's node image lacks: flannel's CNI plugin, the bridge/portmap/host-local plugins, and the CNI config.
 */
record FlannelManifest(String network, int vni, int port, String flannelImage, String cniPluginImage,
        String installerImage, String pluginsUrl) {
    static final String NAMESPACE = "kube-flannel";
    static final String DAEMONSET = "kube-flannel-ds";
    static final String APP_LABEL = "flannel";
    static final String CONFIG_MAP = "kube-flannel-cfg";
    /** The plugins flannel's CNI config calls: flannel itself delegates to bridge (IPAM host-local), then portmap. */
    static final List<String> NEEDED_PLUGINS = List.of("bridge", "portmap", "host-local", "loopback");

    static FlannelManifest of(KindOptions options) {
        return new FlannelManifest(KindConfig.POD_SUBNET, 1, 8472, options.flannel(), options.flannelCniImage(),
                options.installerImage(), options.cniPluginsUrl());
    }

    String render() {
        return Yaml.documents(objects());
    }

    List<ObjectNode> objects() {
        return List.of(namespace(), serviceAccount(), clusterRole(), clusterRoleBinding(), configMap(), daemonSet());
    }

    private ObjectNode namespace() {
        ObjectNode ns = Yaml.resource("v1", "Namespace", NAMESPACE, null);
        // flanneld needs the host network and privileges: the namespace must admit privileged pods.
        Yaml.metadata(ns).putObject("labels").put("pod-security.kubernetes.io/enforce", "privileged");
        return ns;
    }

    private ObjectNode serviceAccount() {
        return Yaml.resource("v1", "ServiceAccount", "flannel", NAMESPACE);
    }

    private ObjectNode clusterRole() {
        ObjectNode role = Yaml.resource("rbac.authorization.k8s.io/v1", "ClusterRole", "flannel", null);
        ArrayNode rules = role.putArray("rules");
        rule(rules, "pods", "get");
        rule(rules, "nodes", "get", "list", "watch");
        rule(rules, "nodes/status", "patch");
        return role;
    }

    private static void rule(ArrayNode rules, String resource, String... verbs) {
        ObjectNode rule = rules.addObject();
        rule.putArray("apiGroups").add("");
        rule.putArray("resources").add(resource);
        ArrayNode v = rule.putArray("verbs");
        for (String verb : verbs) {
            v.add(verb);
        }
    }

    private ObjectNode clusterRoleBinding() {
        ObjectNode binding = Yaml.resource("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "flannel", null);
        binding.putObject("roleRef").put("apiGroup", "rbac.authorization.k8s.io").put("kind", "ClusterRole")
                .put("name", "flannel");
        binding.putArray("subjects").addObject().put("kind", "ServiceAccount").put("name", "flannel")
                .put("namespace", NAMESPACE);
        return binding;
    }

    /** flanneld's network config: the pod network, leases of a /24, the vxlan backend with its VNI and UDP port. */
    String netConf() {
        ObjectNode conf = Yaml.JSON.createObjectNode();
        conf.put("Network", network);
        conf.putObject("Backend").put("Type", "vxlan").put("VNI", vni).put("Port", port);
        return Yaml.json(conf);
    }

    /** The CNI config flannel's plugin reads: delegate to bridge with the node's lease, then portmap. */
    String cniConf() {
        ObjectNode conf = Yaml.JSON.createObjectNode();
        conf.put("name", "cbr0").put("cniVersion", "0.3.1");
        ArrayNode plugins = conf.putArray("plugins");
        plugins.addObject().put("type", "flannel").putObject("delegate").put("hairpinMode", true)
                .put("isDefaultGateway", true);
        plugins.addObject().put("type", "portmap").putObject("capabilities").put("portMappings", true);
        return Yaml.json(conf);
    }

    private ObjectNode configMap() {
        ObjectNode map = Yaml.resource("v1", "ConfigMap", CONFIG_MAP, NAMESPACE);
        Yaml.metadata(map).putObject("labels").put("app", APP_LABEL).put("tier", "node");
        map.putObject("data").put("cni-conf.json", cniConf()).put("net-conf.json", netConf());
        return map;
    }

    private ObjectNode daemonSet() {
        ObjectNode ds = Yaml.resource("apps/v1", "DaemonSet", DAEMONSET, NAMESPACE);
        Yaml.metadata(ds).putObject("labels").put("app", APP_LABEL).put("tier", "node");
        ObjectNode spec = ds.putObject("spec");
        spec.putObject("selector").putObject("matchLabels").put("app", APP_LABEL);
        ObjectNode template = spec.putObject("template");
        template.putObject("metadata").putObject("labels").put("app", APP_LABEL).put("tier", "node");
        ObjectNode pod = template.putObject("spec");
        pod.put("hostNetwork", true).put("priorityClassName", "system-node-critical")
                .put("serviceAccountName", "flannel");
        // Every node, the control plane included: a node without flanneld has no route to any pod.
        pod.putArray("tolerations").addObject().put("operator", "Exists").put("effect", "NoSchedule");
        ArrayNode init = pod.putArray("initContainers");
        init.add(installFlannelPlugin());
        init.add(installPlugins());
        init.add(installCniConfig());
        pod.putArray("containers").add(flanneld());
        ArrayNode volumes = pod.putArray("volumes");
        hostPath(volumes, "run", "/run/flannel", null);
        hostPath(volumes, "cni-plugin", "/opt/cni/bin", null);
        hostPath(volumes, "cni", "/etc/cni/net.d", null);
        hostPath(volumes, "xtables-lock", "/run/xtables.lock", "FileOrCreate");
        volumes.addObject().put("name", "flannel-cfg").putObject("configMap").put("name", CONFIG_MAP);
        return ds;
    }

    private ObjectNode installFlannelPlugin() {
        ObjectNode c = container("install-cni-plugin", cniPluginImage);
        c.putArray("command").add("cp");
        c.putArray("args").add("-f").add("/flannel").add("/opt/cni/bin/flannel");
        mount(c, "cni-plugin", "/opt/cni/bin");
        return c;
    }

    /**
     * kind's node image carries only the plugins kindnet uses (ptp, host-local, portmap, loopback): flannel delegates
     * to bridge, so the release's plugins are fetched once per node (skipped when bridge is already there).
     */
    private ObjectNode installPlugins() {
        ObjectNode c = container("install-cni-plugins", installerImage);
        StringBuilder copy = new StringBuilder();
        for (String plugin : NEEDED_PLUGINS) {
            copy.append(" && cp -f /tmp/cni/").append(plugin).append(" /opt/cni/bin/").append(plugin);
        }
        c.putArray("command").add("sh").add("-ec");
        c.putArray("args").add("if [ -x /opt/cni/bin/bridge ]; then exit 0; fi; mkdir -p /tmp/cni"
                + " && wget -qO- \"$CNI_PLUGINS_URL\" | tar -xz -C /tmp/cni" + copy);
        c.putArray("env").addObject().put("name", "CNI_PLUGINS_URL").put("value", pluginsUrl);
        mount(c, "cni-plugin", "/opt/cni/bin");
        return c;
    }

    private ObjectNode installCniConfig() {
        ObjectNode c = container("install-cni", flannelImage);
        c.putArray("command").add("cp");
        c.putArray("args").add("-f").add("/etc/kube-flannel/cni-conf.json").add("/etc/cni/net.d/10-flannel.conflist");
        mount(c, "cni", "/etc/cni/net.d");
        mount(c, "flannel-cfg", "/etc/kube-flannel/");
        return c;
    }

    private ObjectNode flanneld() {
        ObjectNode c = container("kube-flannel", flannelImage);
        c.putArray("command").add("/opt/bin/flanneld");
        c.putArray("args").add("--ip-masq").add("--kube-subnet-mgr");
        ArrayNode env = c.putArray("env");
        fieldRef(env, "POD_NAME", "metadata.name");
        fieldRef(env, "POD_NAMESPACE", "metadata.namespace");
        env.addObject().put("name", "EVENT_QUEUE_DEPTH").put("value", "5000");
        ObjectNode security = c.putObject("securityContext");
        security.put("privileged", false);
        security.putObject("capabilities").putArray("add").add("NET_ADMIN").add("NET_RAW");
        mount(c, "run", "/run/flannel");
        mount(c, "flannel-cfg", "/etc/kube-flannel/");
        mount(c, "xtables-lock", "/run/xtables.lock");
        return c;
    }

    private static ObjectNode container(String name, String image) {
        ObjectNode c = Yaml.object();
        c.put("name", name).put("image", image);
        return c;
    }

    private static void mount(ObjectNode container, String volume, String path) {
        ArrayNode mounts = container.has("volumeMounts") ? (ArrayNode) container.get("volumeMounts")
                : container.putArray("volumeMounts");
        mounts.addObject().put("name", volume).put("mountPath", path);
    }

    private static void fieldRef(ArrayNode env, String name, String path) {
        env.addObject().put("name", name).putObject("valueFrom").putObject("fieldRef").put("fieldPath", path);
    }

    private static void hostPath(ArrayNode volumes, String name, String path, String type) {
        ObjectNode host = volumes.addObject().put("name", name).putObject("hostPath").put("path", path);
        if (type != null) {
            host.put("type", type);
        }
    }
}
