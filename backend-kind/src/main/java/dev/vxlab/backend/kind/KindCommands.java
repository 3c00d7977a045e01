package dev.vxlab.backend.kind;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every command line the backend runs on this machine, built in one place: kind for the cluster, kubectl with the
 * run's own kubeconfig (the user's ~/.kube/config is never touched), docker exec/cp into node containers.
 */
record KindCommands(String cluster, Path kubeconfig) {

    List<String> createCluster(Path config, String image, String wait) {
        List<String> argv = new ArrayList<>(List.of("kind", "create", "cluster", "--name", cluster, "--config",
                config.toString(), "--kubeconfig", kubeconfig.toString()));
        if (!image.isEmpty()) {
            argv.addAll(List.of("--image", image));
        }
        argv.addAll(List.of("--wait", wait));
        return List.copyOf(argv);
    }

    static List<String> deleteCluster(String name) {
        return List.of("kind", "delete", "cluster", "--name", name);
    }

    List<String> deleteCluster() {
        return List.of("kind", "delete", "cluster", "--name", cluster, "--kubeconfig", kubeconfig.toString());
    }

    static List<String> getClusters() {
        return List.of("kind", "get", "clusters");
    }

    static List<String> getNodes(String name) {
        return List.of("kind", "get", "nodes", "--name", name);
    }

    List<String> kubectl(String... args) {
        List<String> argv = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
        argv.addAll(List.of(args));
        return List.copyOf(argv);
    }

    /** kubectl apply with the manifest on stdin. */
    List<String> apply() {
        return kubectl("apply", "-f", "-");
    }

    List<String> nodesJson() {
        return kubectl("get", "nodes", "-o", "json");
    }

    List<String> podsJson(String namespace) {
        return kubectl("get", "pods", "-n", namespace, "-o", "json");
    }

    List<String> waitPods(String namespace, String selector, String timeout) {
        return kubectl("wait", "--for=condition=Ready", "pod", "-l", selector, "-n", namespace,
                "--timeout=" + timeout);
    }

    List<String> waitRollout(String namespace, String what, String timeout) {
        return kubectl("rollout", "status", what, "-n", namespace, "--timeout=" + timeout);
    }

    List<String> patchCoreDns(String patch) {
        return kubectl("-n", "kube-system", "patch", "deployment", "coredns", "--type", "strategic", "-p", patch);
    }

    List<String> dnsService() {
        return kubectl("-n", "kube-system", "get", "service", "kube-dns", "-o", "json");
    }

    /** The real restart of a node's flanneld: delete its pod; the DaemonSet starts a new one. */
    List<String> deleteFlannelPod(String node) {
        return kubectl("-n", FlannelManifest.NAMESPACE, "delete", "pod", "-l", "app=" + FlannelManifest.APP_LABEL,
                "--field-selector", "spec.nodeName=" + node, "--wait=true", "--timeout=60s");
    }

    static List<String> networkSubnets(String network) {
        return List.of("docker", "network", "inspect", network, "--format", "{{json .IPAM.Config}}");
    }

    /** argv on a node container; {@code -i} when stdin is fed, {@code -e} per extra variable. */
    static List<String> exec(String node, List<String> argv, boolean stdin, Map<String, String> env) {
        List<String> wrapped = new ArrayList<>(List.of("docker", "exec"));
        if (stdin) {
            wrapped.add("-i");
        }
        env.forEach((k, v) -> {
            wrapped.add("-e");
            wrapped.add(k + "=" + v);
        });
        wrapped.add(node);
        wrapped.addAll(argv);
        return List.copyOf(wrapped);
    }

    /** The same with the caller's terminal attached ({@code vxlab shell}). */
    static List<String> execTty(String node, List<String> argv) {
        List<String> wrapped = new ArrayList<>(List.of("docker", "exec", "-it", node));
        wrapped.addAll(argv);
        return List.copyOf(wrapped);
    }

    static List<String> copyTo(Path local, String node, String path) {
        return List.of("docker", "cp", local.toString(), node + ":" + path);
    }

    static List<String> copyFrom(String node, String path, Path local) {
        return List.of("docker", "cp", node + ":" + path, local.toString());
    }
}
