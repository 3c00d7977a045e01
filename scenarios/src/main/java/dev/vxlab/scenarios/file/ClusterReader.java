package dev.vxlab.scenarios.file;

import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.spec.NodePlan;
import dev.vxlab.lab.spec.PodPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads a file's {@code cluster} (profile or address plan) and {@code workload} into a {@link ClusterSpec}. */
final class ClusterReader {
    private final Schema schema;
    private ClusterSpec spec;

    ClusterReader(Schema schema) {
        this.schema = schema;
    }

    ClusterSpec spec() {
        return spec;
    }

    /** The backend's name; the spec is {@link #spec()} afterwards. {@code override} replaces the file's node count. */
    String cluster(YamlNode.Mapping cluster, java.util.OptionalInt override) throws ScenarioFileException {
        schema.allowOnly(cluster, "cluster", "backend", "nodes", "profile", "plan");
        String backend = schema.get(cluster, "backend").isPresent()
                ? schema.text(cluster.entries().get("backend").value(), "backend") : "netns";
        int nodes = schema.integer(schema.require(cluster, "nodes", "cluster"), "nodes", 2, ClusterSpec.MAX_NODES);
        if (override.isPresent()) {
            nodes = override.getAsInt();
        }
        Optional<YamlNode> profile = schema.get(cluster, "profile");
        Optional<YamlNode> plan = schema.get(cluster, "plan");
        if (profile.isPresent() && plan.isPresent()) {
            throw schema.error(plan.get(), "give either a profile or a plan, not both");
        }
        if (plan.isPresent()) {
            spec = plan(schema.map(plan.get(), "plan"), nodes);
        } else {
            String name = profile.isPresent() ? schema.text(profile.get(), "profile") : ClusterPlans.FIELD;
            try {
                spec = ClusterPlans.profile(name, nodes);
            } catch (IllegalArgumentException e) {
                throw schema.error(profile.get(), e.getMessage());
            }
        }
        return backend;
    }

    /**
     * The pods: where the CoreDNS stand-ins run (at .24 of those nodes' subnets) and more application pods (at .3,
     * .4, ... of their node's subnet, in file order), beside the one {@code app} pod every node has.
     */
    ClusterSpec workload(YamlNode.Mapping workload) throws ScenarioFileException {
        schema.allowOnly(workload, "workload", "coredns", "pods");
        List<PodPlan> pods = new ArrayList<>(spec.pods().stream().filter(p -> !p.dns()).toList());
        Optional<YamlNode> coredns = schema.get(workload, "coredns");
        if (coredns.isPresent()) {
            for (YamlNode node : schema.list(coredns.get(), "coredns").items()) {
                NodePlan plan = spec.node(new References(schema, spec).node(node));
                if (pods.stream().anyMatch(p -> p.dns() && p.node().equals(plan.name()))) {
                    throw schema.error(node, "node " + plan.name() + " is listed twice in coredns");
                }
                pods.add(new PodPlan(plan.name(), "coredns", plan.subnet().host(24), true));
            }
        } else {
            pods.addAll(spec.dnsPods());
        }
        Optional<YamlNode> extra = schema.get(workload, "pods");
        if (extra.isPresent()) {
            for (YamlNode item : schema.list(extra.get(), "pods").items()) {
                YamlNode.Mapping pod = schema.map(item, "a pod");
                schema.allowOnly(pod, "a pod", "node", "name");
                NodePlan node = spec.node(new References(schema, spec).node(schema.require(pod, "node", "a pod")));
                YamlNode nameNode = schema.require(pod, "name", "a pod");
                String name = schema.text(nameNode, "name");
                if (!name.matches("[a-z][a-z0-9-]{0,30}")) {
                    throw schema.error(nameNode, "a pod name is lower-case letters, digits and '-', not " + Excerpt.quote(name));
                }
                if (pods.stream().anyMatch(p -> p.node().equals(node.name()) && p.name().equals(name))) {
                    throw schema.error(nameNode, "node " + node.name() + " already has a pod named " + Excerpt.quote(name));
                }
                long onNode = pods.stream().filter(p -> p.node().equals(node.name()) && !p.dns()).count();
                if (onNode >= 21) {
                    throw schema.error(item, "node " + node.name() + " has no free pod address left (.2 to .22)");
                }
                pods.add(new PodPlan(node.name(), name, node.subnet().host(2 + (int) onNode), false));
            }
        }
        return new ClusterSpec(spec.profile(), spec.nodes(), pods, spec.underlay(), spec.podNetwork(),
                spec.serviceNetwork(), spec.dnsServiceIp(), spec.clusterDomain(), spec.vni(), spec.vxlanPort(),
                spec.underlayMtu());
    }

    private ClusterSpec plan(YamlNode.Mapping plan, int nodes) throws ScenarioFileException {
        schema.allowOnly(plan, "plan", "pod-network", "underlay", "first-host", "service-network", "cluster-domain",
                "vni", "port", "mtu");
        Ipv4Prefix podNetwork = prefix(schema.require(plan, "pod-network", "plan"), "pod-network");
        Ipv4Prefix underlay = optionalPrefix(plan, "underlay", ClusterPlans.DEFAULT_UNDERLAY);
        Ipv4Prefix services = optionalPrefix(plan, "service-network", ClusterPlans.DEFAULT_SERVICES);
        int firstHost = optionalInt(plan, "first-host", ClusterPlans.DEFAULT_FIRST_HOST, 1, 65534);
        String domain = schema.get(plan, "cluster-domain").isPresent()
                ? schema.text(plan.entries().get("cluster-domain").value(), "cluster-domain")
                : ClusterPlans.DEFAULT_DOMAIN;
        int vni = optionalInt(plan, "vni", ClusterPlans.DEFAULT_VNI, 1, 0xFFFFFF);
        int port = optionalInt(plan, "port", ClusterPlans.DEFAULT_PORT, 1, 65535);
        int mtu = optionalInt(plan, "mtu", ClusterPlans.DEFAULT_MTU, 576 + ClusterSpec.VXLAN_OVERHEAD, 9000);
        try {
            return ClusterSpec.plan("plan", nodes, underlay, firstHost, false, podNetwork, services, domain, vni, port,
                    mtu);
        } catch (IllegalArgumentException e) {
            throw schema.error(plan, e.getMessage());
        }
    }

    private int optionalInt(YamlNode.Mapping map, String key, int otherwise, int min, int max)
            throws ScenarioFileException {
        Optional<YamlNode> node = schema.get(map, key);
        return node.isPresent() ? schema.integer(node.get(), key, min, max) : otherwise;
    }

    private Ipv4Prefix optionalPrefix(YamlNode.Mapping map, String key, Ipv4Prefix otherwise)
            throws ScenarioFileException {
        Optional<YamlNode> node = schema.get(map, key);
        return node.isPresent() ? prefix(node.get(), key) : otherwise;
    }

    private Ipv4Prefix prefix(YamlNode node, String what) throws ScenarioFileException {
        String text = schema.text(node, what);
        try {
            return Ipv4Prefix.parse(text);
        } catch (IllegalArgumentException e) {
            throw schema.error(node, what + " must be an IPv4 prefix like 10.244.0.0/16, not " + Excerpt.quote(text));
        }
    }
}
