package dev.vxlab.scenarios.file;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.spi.FaultIds;
import dev.vxlab.detectors.spi.FixIds;
import dev.vxlab.lab.daemons.FirewalldConfig;
import dev.vxlab.lab.daemons.NmConfig;
import dev.vxlab.lab.fault.FaultCatalog;
import dev.vxlab.lab.probe.ProbeOutcome;
import dev.vxlab.lab.spec.ClusterSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a scenario file (the schema is docs/scenarios.md) and checks it against the cluster it describes. Every
 * error is one {@link ScenarioFileException}: {@code field-bug.yaml:14: unknown fault 'vtep-mac-drif' (known: …)}.
 */
public final class ScenarioParser {
    public static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofMillis(800);
    private static final List<String> STEPS = List.of("probe", "inject", "capture", "doctor", "fix", "wait",
            "expect-healthy", "stop-captures", "run", "counter", "advertised-mac", "trace", "networkmanager", "firewalld", "udev");

    private final Set<String> countersRead = new HashSet<>();
    private boolean captureStarted;

    private final Schema schema;
    private final OptionalInt nodes;
    private ClusterSpec spec;
    private References refs;
    /** The cluster to check against instead of the file's own (a backend that names its nodes itself). */
    private ClusterSpec fixed;
    private String text = "";

    private ScenarioParser(String file, OptionalInt nodes) {
        this.schema = new Schema(file);
        this.nodes = nodes;
    }

    public static Scenario parse(Path file) throws ScenarioFileException {
        return parse(file, OptionalInt.empty());
    }

    /**
     * Parses a file for a cluster of {@code nodes} nodes instead of the file's own count (how {@code vxlab reproduce
     * --nodes N} plays its story), when given; the steps are checked against that cluster.
     */
    public static Scenario parse(Path file, OptionalInt nodes) throws ScenarioFileException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ScenarioFileException(file.toString(), 1, "cannot read the file: " + e.getMessage());
        }
        String name = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        ScenarioParser parser = new ScenarioParser(file.getFileName().toString(), nodes);
        parser.text = text;
        return parser.scenario(YamlReader.read(text, file.getFileName().toString()), name);
    }

    /** Parses text; {@code file} names it in errors, {@code name} is the scenario's name. */
    public static Scenario parse(String text, String file, String name) throws ScenarioFileException {
        ScenarioParser parser = new ScenarioParser(file, OptionalInt.empty());
        parser.text = text;
        return parser.scenario(YamlReader.read(text, file), name);
    }

    /**
     * The scenario on the cluster a backend really made, when that is not the planned one (kind names its nodes and
     * Kubernetes allocates leases and pod IPs): the file's names, addresses and MACs are renamed node by node and pod
     * by pod ({@link ClusterRenaming}) and the renamed text is checked against the real cluster. The same scenario
     * when the cluster is the planned one.
     */
    public static Scenario onCluster(Scenario scenario, ClusterSpec real) throws ScenarioFileException {
        if (real.equals(scenario.cluster())) {
            return scenario;
        }
        ClusterRenaming renaming;
        try {
            renaming = ClusterRenaming.between(scenario.cluster(), real);
        } catch (IllegalArgumentException e) {
            throw new ScenarioFileException(scenario.source(), 1, e.getMessage());
        }
        ScenarioParser parser = new ScenarioParser(scenario.source(), OptionalInt.of(scenario.cluster().nodes().size()));
        parser.fixed = real;
        parser.text = renaming.apply(scenario.text());
        return parser.scenario(YamlReader.read(parser.text, scenario.source()), scenario.name());
    }

    private Scenario scenario(YamlNode root, String name) throws ScenarioFileException {
        YamlNode.Mapping top = schema.map(root, "a scenario file");
        schema.allowOnly(top, "the scenario", "description", "cluster", "workload", "probe-timeout", "steps");
        String description = schema.text(schema.require(top, "description", "a scenario"), "description");
        YamlNode.Mapping cluster = schema.map(schema.require(top, "cluster", "a scenario"), "cluster");
        ClusterReader clusterReader = new ClusterReader(schema);
        String backend = clusterReader.cluster(cluster, nodes);
        spec = clusterReader.spec();
        if (schema.get(top, "workload").isPresent()) {
            spec = clusterReader.workload(schema.map(top.entries().get("workload").value(), "workload"));
        }
        if (fixed != null) {
            spec = fixed;
        }
        refs = new References(schema, spec);
        Duration timeout = schema.get(top, "probe-timeout").isPresent()
                ? schema.duration(top.entries().get("probe-timeout").value(), "probe-timeout") : DEFAULT_PROBE_TIMEOUT;
        YamlNode.Sequence steps = schema.list(schema.require(top, "steps", "a scenario"), "steps");
        if (steps.items().isEmpty()) {
            throw schema.error(steps, "steps is empty; a scenario needs at least one step");
        }
        List<ScenarioStep> parsed = new ArrayList<>();
        Map<Integer, String> sayings = new LinkedHashMap<>();
        for (YamlNode item : steps.items()) {
            ScenarioStep step = step(item, sayings);
            parsed.add(step);
        }
        return new Scenario(name, description, schema.file(), backend, spec, timeout, parsed, sayings, text);
    }

    private ScenarioStep step(YamlNode item, Map<Integer, String> sayings) throws ScenarioFileException {
        String kind;
        YamlNode body;
        if (item instanceof YamlNode.Scalar scalar && scalar.type() == YamlNode.Scalar.Type.STRING) {
            kind = scalar.text();
            body = new YamlNode.Scalar(item.line(), "", YamlNode.Scalar.Type.NULL);
        } else if (item instanceof YamlNode.Mapping map && map.entries().size() == 1) {
            YamlNode.Entry only = map.entries().values().iterator().next();
            kind = only.key();
            body = only.value();
        } else {
            throw schema.error(item, "a step is one key naming it (" + String.join(", ", STEPS) + "), not "
                    + item.kind() + (item instanceof YamlNode.Mapping ? " with several keys" : ""));
        }
        int line = item.line();
        // Any step may say what it shows (`say: TEXT`), for the story and the report; the rest is the step's own.
        if (body instanceof YamlNode.Mapping map && map.entries().containsKey("say")) {
            sayings.put(line, schema.text(map.entries().get("say").value(), "say"));
            Map<String, YamlNode.Entry> rest = new LinkedHashMap<>(map.entries());
            rest.remove("say");
            body = new YamlNode.Mapping(map.line(), rest);
        }
        return switch (kind) {
            case "expect-healthy" -> {
                nothing(body, kind);
                yield new ScenarioStep.ExpectHealthy(line);
            }
            case "stop-captures" -> {
                nothing(body, kind);
                if (!captureStarted) {
                    throw schema.error(item, "stop-captures has no capture to stop; a capture step comes first");
                }
                captureStarted = false;
                yield new ScenarioStep.StopCaptures(line);
            }
            case "run" -> run(line, schema.map(body, "run"));
            case "counter" -> counter(line, schema.map(body, "counter"));
            case "advertised-mac" -> advertisedMac(line, schema.map(body, "advertised-mac"));
            case "trace" -> trace(line, schema.map(body, "trace"));
            case "probe" -> probe(line, schema.map(body, "probe"));
            case "inject" -> inject(line, schema.map(body, "inject"));
            case "capture" -> capture(line, schema.map(body, "capture"));
            case "doctor" -> doctor(line, schema.map(body, "doctor"));
            case "fix" -> fix(line, body);
            case "wait" -> new ScenarioStep.Wait(line, schema.duration(body, "wait"));
            case "networkmanager", "firewalld" -> daemon(line, kind, schema.map(body, kind));
            case "udev" -> udev(line, schema.map(body, kind));
            default -> throw schema.error(item, "unknown step " + Excerpt.quote(kind) + " (known: " + String.join(", ", STEPS) + ")");
        };
    }

    private void nothing(YamlNode body, String kind) throws ScenarioFileException {
        boolean empty = body instanceof YamlNode.Scalar s && s.type() == YamlNode.Scalar.Type.NULL
                || body instanceof YamlNode.Mapping m && m.entries().isEmpty();
        if (!empty) {
            throw schema.error(body, kind + " takes no settings");
        }
    }

    private ScenarioStep inject(int line, YamlNode.Mapping body) throws ScenarioFileException {
        schema.allowOnly(body, "inject", "fault", "node", "params");
        YamlNode faultNode = schema.require(body, "fault", "inject");
        String fault = schema.text(faultNode, "fault");
        if (!FaultCatalog.ids().contains(fault)) {
            throw schema.error(faultNode, "unknown fault " + Excerpt.quote(fault) + " (known: " + String.join(", ", FaultCatalog.ids())
                    + ")");
        }
        String node = refs.node(schema.require(body, "node", "inject"));
        Map<String, String> params = new LinkedHashMap<>();
        Optional<YamlNode> paramsNode = schema.get(body, "params");
        if (paramsNode.isPresent()) {
            for (YamlNode.Entry entry : schema.map(paramsNode.get(), "params").entries().values()) {
                params.put(entry.key(), schema.text(entry.value(), "parameter " + entry.key()));
            }
        }
        try {
            return new ScenarioStep.Inject(line, FaultCatalog.create(fault, node, params, spec));
        } catch (IllegalArgumentException e) {
            throw schema.error(paramsNode.orElse(faultNode), e.getMessage());
        }
    }

    private ScenarioStep capture(int line, YamlNode.Mapping body) throws ScenarioFileException {
        schema.allowOnly(body, "capture", "node", "device", "filter", "expect");
        String node = refs.node(schema.require(body, "node", "capture"));
        String device = schema.get(body, "device").isPresent()
                ? schema.text(body.entries().get("device").value(), "device") : spec.vtepDevice();
        Optional<String> filter = schema.get(body, "filter").isPresent()
                ? Optional.of(schema.text(body.entries().get("filter").value(), "filter")) : Optional.empty();
        Optional<Boolean> retransmissions = Optional.empty();
        Optional<MacAddress> synAcksTo = Optional.empty();
        ScenarioStep.CaptureCounts counts = ScenarioStep.CaptureCounts.NONE;
        if (schema.get(body, "expect").isPresent()) {
            YamlNode.Mapping expect = schema.map(body.entries().get("expect").value(), "expect");
            schema.allowOnly(expect, "a capture's expect", "syn-retransmissions", "syn-acks-to", "no-syn-acks-to",
                    "min-syns", "min-syn-acks");
            if (schema.get(expect, "syn-retransmissions").isPresent()) {
                retransmissions = Optional.of(schema.bool(expect.entries().get("syn-retransmissions").value(),
                        "syn-retransmissions"));
            }
            synAcksTo = optionalMac(expect, "syn-acks-to");
            counts = new ScenarioStep.CaptureCounts(optionalMac(expect, "no-syn-acks-to"),
                    optionalInt(expect, "min-syns", 1, 1_000_000), optionalInt(expect, "min-syn-acks", 1, 1_000_000));
        }
        captureStarted = true;
        return new ScenarioStep.Capture(line, node, device, filter, retransmissions, synAcksTo, counts);
    }

    private Optional<MacAddress> optionalMac(YamlNode.Mapping map, String key) throws ScenarioFileException {
        if (schema.get(map, key).isEmpty()) {
            return Optional.empty();
        }
        YamlNode macNode = map.entries().get(key).value();
        String text = schema.text(macNode, key);
        try {
            return Optional.of(MacAddress.parse(text));
        } catch (IllegalArgumentException e) {
            throw schema.error(macNode, key + " must be a MAC address like ea:77:37:86:ee:bf, not " + Excerpt.quote(text));
        }
    }

    private int optionalInt(YamlNode.Mapping map, String key, int min, int max) throws ScenarioFileException {
        return schema.get(map, key).isPresent() ? schema.integer(map.entries().get(key).value(), key, min, max) : 0;
    }

    private ScenarioStep run(int line, YamlNode.Mapping body) throws ScenarioFileException {
        schema.allowOnly(body, "run", "node", "command", "expect");
        String node = refs.node(schema.require(body, "node", "run"));
        YamlNode commandNode = schema.require(body, "command", "run");
        List<String> argv = new ArrayList<>();
        if (commandNode instanceof YamlNode.Sequence list) {
            for (YamlNode word : list.items()) {
                argv.add(schema.text(word, "a word of command"));
            }
        } else {
            // Split on blanks, no shell: what a person types, without quoting or pipes.
            argv.addAll(Arrays.asList(schema.text(commandNode, "command").split("\\s+")));
        }
        if (argv.isEmpty()) {
            throw schema.error(commandNode, "command is empty");
        }
        List<String> contains = new ArrayList<>();
        Optional<String> matches = Optional.empty();
        Optional<Integer> lines = Optional.empty();
        if (schema.get(body, "expect").isPresent()) {
            YamlNode.Mapping expect = schema.map(body.entries().get("expect").value(), "expect");
            schema.allowOnly(expect, "a run's expect", "contains", "matches", "lines");
            if (schema.get(expect, "contains").isPresent()) {
                for (YamlNode text : schema.oneOrMany(expect.entries().get("contains").value())) {
                    contains.add(schema.text(text, "contains"));
                }
            }
            if (schema.get(expect, "matches").isPresent()) {
                YamlNode regexNode = expect.entries().get("matches").value();
                String regex = schema.text(regexNode, "matches");
                try {
                    Pattern.compile(regex);
                } catch (PatternSyntaxException e) {
                    throw schema.error(regexNode, "matches must be a regular expression: " + e.getDescription()
                            + " in " + Excerpt.quote(regex));
                }
                matches = Optional.of(regex);
            }
            if (schema.get(expect, "lines").isPresent()) {
                YamlNode linesNode = expect.entries().get("lines").value();
                // `peers`: one line per other node (a route to each peer's subnet), whatever the node count.
                lines = Optional.of(linesNode instanceof YamlNode.Scalar sc && sc.text().equals("peers")
                        ? spec.nodes().size() - 1 : schema.integer(linesNode, "lines", 0, 100_000));
            }
        }
        return new ScenarioStep.Run(line, node, argv, contains, matches, lines);
    }

    /**
     * udev's own code on a node, confined like the daemons: {@code udevadm test-builtin net_setup_link
     * /sys/class/net/DEV} is what systemd-udevd runs on a network device's add event (its .link files: the default
     * MACAddressPolicy=persistent). Only that and {@code udevadm info}: nothing that would reach udevd or the kernel's
     * uevents.
     */
    private ScenarioStep udev(int line, YamlNode.Mapping body) throws ScenarioFileException {
        schema.allowOnly(body, "udev", "node", "udevadm", "expect");
        String node = refs.node(schema.require(body, "node", "udev"));
        YamlNode words = schema.require(body, "udevadm", "udev");
        List<String> command = new ArrayList<>(List.of("udevadm"));
        command.addAll(Arrays.asList(schema.text(words, "udevadm").strip().split("\\s+")));
        boolean setupLink = command.size() == 4 && command.get(1).equals("test-builtin")
                && command.get(2).equals("net_setup_link") && command.get(3).matches("/sys/class/net/[^/]+");
        boolean info = command.size() >= 2 && command.get(1).equals("info");
        if (!setupLink && !info) {
            throw schema.error(words, "a udev step runs 'test-builtin net_setup_link /sys/class/net/DEV' or 'info ...',"
                    + " not " + Excerpt.quote(String.join(" ", command.subList(1, command.size()))));
        }
        List<String> contains = new ArrayList<>();
        if (schema.get(body, "expect").isPresent()) {
            YamlNode.Mapping expect = schema.map(body.entries().get("expect").value(), "expect");
            schema.allowOnly(expect, "a udev step's expect", "contains");
            for (YamlNode text : schema.oneOrMany(schema.require(expect, "contains", "a udev step's expect"))) {
                contains.add(schema.text(text, "contains"));
            }
        }
        return new ScenarioStep.Daemon(line, "udev", node, List.of(), Optional.empty(), command, false, contains);
    }

    private ScenarioStep daemon(int line, String daemon, YamlNode.Mapping body) throws ScenarioFileException {
        String client = daemon.equals("networkmanager") ? "nmcli" : "firewall-cmd";
        schema.allowOnly(body, daemon, "node", "config", "action", client, "fails");
        String node = refs.node(schema.require(body, "node", daemon));
        List<String> config = new ArrayList<>();
        if (schema.get(body, "config").isPresent()) {
            for (YamlNode item : schema.oneOrMany(body.entries().get("config").value())) {
                String id = schema.text(item, "config");
                try {
                    if (daemon.equals("networkmanager")) {
                        NmConfig.byId(id).orElseThrow(() -> new IllegalArgumentException("unknown NetworkManager"
                                + " configuration " + Excerpt.quote(id) + " (known: " + NmConfig.ids() + ")"));
                    } else {
                        FirewalldConfig.parse(id, spec.podNetwork());
                    }
                } catch (IllegalArgumentException e) {
                    throw schema.error(item, e.getMessage());
                }
                config.add(id);
            }
        }
        if (daemon.equals("firewalld") && config.size() > 1) {
            throw schema.error(body, "firewalld takes one config (default, flannel-allowed or user:DIR)");
        }
        Optional<String> action = Optional.empty();
        if (schema.get(body, "action").isPresent()) {
            YamlNode actionNode = body.entries().get("action").value();
            String text = schema.text(actionNode, "action");
            if (!ScenarioStep.Daemon.ACTIONS.contains(text)) {
                throw schema.error(actionNode, "unknown " + daemon + " action " + Excerpt.quote(text) + " (known: "
                        + String.join(", ", ScenarioStep.Daemon.ACTIONS) + ")");
            }
            action = Optional.of(text);
        }
        List<String> command = new ArrayList<>();
        if (schema.get(body, client).isPresent()) {
            YamlNode words = body.entries().get(client).value();
            command.add(client);
            if (words instanceof YamlNode.Sequence list) {
                for (YamlNode word : list.items()) {
                    command.add(schema.text(word, "a word of " + client));
                }
            } else {
                command.addAll(Arrays.asList(schema.text(words, client).strip().split("\\s+")));
            }
            if (action.isPresent()) {
                throw schema.error(words, "a " + daemon + " step has an action or a " + client + " command, not both");
            }
        }
        if (config.isEmpty() && action.isEmpty() && command.isEmpty()) {
            throw schema.error(body, "a " + daemon + " step needs config, action or " + client);
        }
        boolean fails = schema.get(body, "fails").isPresent() && schema.bool(body.entries().get("fails").value(), "fails");
        return new ScenarioStep.Daemon(line, daemon, node, config, action, command, fails);
    }

    private ScenarioStep counter(int line, YamlNode.Mapping body) throws ScenarioFileException {
        schema.allowOnly(body, "counter", "node", "device", "counter", "expect");
        String node = refs.node(schema.require(body, "node", "counter"));
        String device = schema.get(body, "device").isPresent()
                ? schema.text(body.entries().get("device").value(), "device") : spec.vtepDevice();
        YamlNode counterNode = schema.require(body, "counter", "counter");
        String counter = schema.text(counterNode, "counter");
        if (!DeviceCounters.NAMES.contains(counter)) {
            throw schema.error(counterNode, "unknown counter " + Excerpt.quote(counter) + " (known: "
                    + String.join(", ", DeviceCounters.NAMES) + ")");
        }
        Optional<String> expect = Optional.empty();
        if (schema.get(body, "expect").isPresent()) {
            YamlNode expectNode = body.entries().get("expect").value();
            String text = schema.text(expectNode, "expect");
            if (!text.equals("rises") && !text.equals("steady")) {
                throw schema.error(expectNode, "a counter's expect is rises or steady, not " + Excerpt.quote(text));
            }
            if (!countersRead.contains(node + " " + device + " " + counter)) {
                throw schema.error(expectNode, "no earlier counter step reads " + counter + " of " + device
                        + " on node " + node + " to compare with; read it first (a counter step without expect)");
            }
            expect = Optional.of(text);
        }
        countersRead.add(node + " " + device + " " + counter);
        return new ScenarioStep.Counter(line, node, device, counter, expect);
    }

    private ScenarioStep advertisedMac(int line, YamlNode.Mapping body) throws ScenarioFileException {
        schema.allowOnly(body, "advertised-mac", "node", "expect");
        String node = refs.node(schema.require(body, "node", "advertised-mac"));
        YamlNode expectNode = schema.require(body, "expect", "advertised-mac");
        String expect = schema.text(expectNode, "expect");
        if (!expect.equals("differs") && !expect.equals("matches")) {
            throw schema.error(expectNode, "advertised-mac's expect is differs (the device's MAC is not the advertised "
                    + "VtepMAC) or matches, not " + Excerpt.quote(expect));
        }
        return new ScenarioStep.AdvertisedMac(line, node, expect.equals("differs"));
    }

    private ScenarioStep trace(int line, YamlNode.Mapping body) throws ScenarioFileException {
        schema.allowOnly(body, "trace", "from", "to", "expect");
        String from = refs.node(schema.require(body, "from", "trace"));
        YamlNode toNode = schema.require(body, "to", "trace");
        String to = schema.text(toNode, "to");
        Ipv4 address;
        try {
            address = Ipv4.parse(to);
        } catch (IllegalArgumentException e) {
            throw schema.error(toNode, "a trace goes to an IPv4 address like 10.187.1.24, not " + Excerpt.quote(to));
        }
        Optional<Boolean> delivered = Optional.empty();
        List<String> says = new ArrayList<>();
        if (schema.get(body, "expect").isPresent()) {
            YamlNode.Mapping expect = schema.map(body.entries().get("expect").value(), "expect");
            schema.allowOnly(expect, "a trace's expect", "delivered", "says");
            if (schema.get(expect, "delivered").isPresent()) {
                delivered = Optional.of(schema.bool(expect.entries().get("delivered").value(), "delivered"));
            }
            if (schema.get(expect, "says").isPresent()) {
                for (YamlNode text : schema.oneOrMany(expect.entries().get("says").value())) {
                    says.add(schema.text(text, "says"));
                }
            }
        }
        return new ScenarioStep.Trace(line, from, address, delivered, says);
    }

    private ScenarioStep doctor(int line, YamlNode.Mapping body) throws ScenarioFileException {
        schema.allowOnly(body, "doctor", "findings");
        List<ExpectedFinding> findings = new ArrayList<>();
        for (YamlNode item : schema.list(schema.require(body, "findings", "doctor"), "findings").items()) {
            YamlNode.Mapping finding = schema.map(item, "a finding");
            schema.allowOnly(finding, "a finding", "node", "fault", "device", "optional");
            YamlNode faultNode = schema.require(finding, "fault", "a finding");
            String fault = schema.text(faultNode, "fault");
            if (!FaultIds.ALL.contains(fault)) {
                throw schema.error(faultNode, "unknown fault id " + Excerpt.quote(fault) + " (the doctor's ids: "
                        + String.join(", ", FaultIds.ALL) + ")");
            }
            Optional<String> device = schema.get(finding, "device").isPresent()
                    ? Optional.of(schema.text(finding.entries().get("device").value(), "device")) : Optional.empty();
            boolean optional = schema.get(finding, "optional").isPresent()
                    && schema.bool(finding.entries().get("optional").value(), "optional");
            findings.add(new ExpectedFinding(item.line(), refs.node(schema.require(finding, "node", "a finding")), fault,
                    device, optional));
        }
        return new ScenarioStep.Doctor(line, findings);
    }

    private ScenarioStep fix(int line, YamlNode body) throws ScenarioFileException {
        YamlNode apply = body;
        boolean prove = true;
        if (body instanceof YamlNode.Mapping map) {
            schema.allowOnly(map, "fix", "apply", "prove");
            apply = schema.require(map, "apply", "fix");
            if (schema.get(map, "prove").isPresent()) {
                prove = schema.bool(map.entries().get("prove").value(), "prove");
            }
        }
        List<String> ids = new ArrayList<>();
        for (YamlNode id : schema.oneOrMany(apply)) {
            ids.add(schema.text(id, "a fix"));
        }
        if (ids.equals(List.of("doctor"))) {
            return new ScenarioStep.Fix(line, true, List.of(), prove);
        }
        for (int i = 0; i < ids.size(); i++) {
            if (!FixIds.ALL.contains(ids.get(i))) {
                throw schema.error(schema.oneOrMany(apply).get(i), "unknown fix " + Excerpt.quote(ids.get(i))
                        + " (known: doctor, " + String.join(", ", FixIds.ALL) + ")");
            }
        }
        return new ScenarioStep.Fix(line, false, ids, prove);
    }

    private ScenarioStep probe(int line, YamlNode.Mapping body) throws ScenarioFileException {
        schema.allowOnly(body, "probe", "broken", "ignore", "checks");
        Optional<List<Cells>> broken = schema.get(body, "broken").isPresent()
                ? Optional.of(cellsList(body.entries().get("broken").value(), "broken")) : Optional.empty();
        List<Cells> ignore = schema.get(body, "ignore").isPresent()
                ? cellsList(body.entries().get("ignore").value(), "ignore") : List.of();
        if (!ignore.isEmpty() && broken.isEmpty()) {
            throw schema.error(body.entries().get("ignore").keyLine(), "ignore applies to the matrix: give 'broken' too"
                    + " (an empty list when nothing may fail)");
        }
        List<ProbeCheck> checks = new ArrayList<>();
        if (schema.get(body, "checks").isPresent()) {
            for (YamlNode item : schema.list(body.entries().get("checks").value(), "checks").items()) {
                checks.add(check(schema.map(item, "a check")));
            }
        }
        if (broken.isEmpty() && checks.isEmpty()) {
            throw schema.error(line, "probe needs 'broken' (the whole matrix; [] when all must pass) or 'checks'");
        }
        return new ScenarioStep.Probe(line, broken, ignore, checks);
    }

    private List<Cells> cellsList(YamlNode node, String what) throws ScenarioFileException {
        List<Cells> out = new ArrayList<>();
        for (YamlNode item : schema.list(node, what).items()) {
            YamlNode.Mapping cells = schema.map(item, "an entry of " + what);
            if (cells.entries().containsKey("across")) {
                schema.allowOnly(cells, "an entry of " + what + " with across", "across");
                out.addAll(refs.across(cells.entries().get("across").value(), item.line()));
                continue;
            }
            schema.allowOnly(cells, "an entry of " + what, "across", "from", "to");
            List<String> from = new ArrayList<>();
            for (YamlNode source : schema.oneOrMany(schema.require(cells, "from", "an entry of " + what))) {
                from.add(refs.source(source));
            }
            List<String> to = new ArrayList<>();
            for (YamlNode target : schema.oneOrMany(schema.require(cells, "to", "an entry of " + what))) {
                to.add(refs.target(target));
            }
            out.add(new Cells(item.line(), from, to));
        }
        return out;
    }

    private ProbeCheck check(YamlNode.Mapping check) throws ScenarioFileException {
        schema.allowOnly(check, "a check", "from", "to", "probe", "expect", "timeout");
        String from = refs.source(schema.require(check, "from", "a check"));
        YamlNode toNode = schema.require(check, "to", "a check");
        boolean url = toNode instanceof YamlNode.Scalar sc && sc.text().startsWith("http://");
        String to = url ? References.url(schema, toNode).describe().substring("curl ".length()) : refs.target(toNode);
        if (from.contains("*") || to.contains("*")) {
            throw schema.error(check, "a check is one probe: name one source and one target, without '*'");
        }
        boolean connect = false;
        Optional<YamlNode> probe = schema.get(check, "probe");
        if (probe.isPresent()) {
            String kind = schema.text(probe.get(), "probe");
            switch (kind) {
                case "connect" -> connect = true;
                case "default" -> connect = false;
                default -> throw schema.error(probe.get(), "unknown probe " + Excerpt.quote(kind) + " (known: default, connect)");
            }
            if (connect && (to.startsWith("dns/") || url)) {
                throw schema.error(probe.get(), "probe: connect is for pod targets; dns targets are DNS queries");
            }
        }
        YamlNode expectNode = schema.require(check, "expect", "a check");
        String expect = schema.text(expectNode, "expect");
        Optional<ProbeOutcome> outcome = Arrays.stream(ProbeOutcome.values())
                .filter(o -> ProbeCheck.spelling(o).equals(expect)).findFirst();
        if (outcome.isEmpty() && !expect.equals("broken")) {
            throw schema.error(expectNode, "unknown outcome " + Excerpt.quote(expect) + " (known: broken, " + String.join(", ",
                    Arrays.stream(ProbeOutcome.values()).map(ProbeCheck::spelling).toList()) + ")");
        }
        Optional<Duration> timeout = schema.get(check, "timeout").isPresent()
                ? Optional.of(schema.duration(check.entries().get("timeout").value(), "timeout")) : Optional.empty();
        return new ProbeCheck(check.line(), from, to, connect, outcome, timeout);
    }
}
