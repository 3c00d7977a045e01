package dev.vxlab.scenarios.file;

import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.spi.FaultIds;
import dev.vxlab.detectors.spi.FixIds;
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
import java.util.Map;
import java.util.Optional;

/**
 * Reads a scenario file (the schema is docs/scenarios.md) and checks it against the cluster it describes. Every
 * error is one {@link ScenarioFileException}: {@code field-bug.yaml:14: unknown fault 'vtep-mac-drif' (known: …)}.
 */
public final class ScenarioParser {
    public static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofMillis(800);
    private static final List<String> STEPS =
            List.of("probe", "inject", "capture", "doctor", "fix", "wait", "expect-healthy");

    private final Schema schema;
    private ClusterSpec spec;
    private References refs;

    private ScenarioParser(String file) {
        this.schema = new Schema(file);
    }

    public static Scenario parse(Path file) throws ScenarioFileException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ScenarioFileException(file.toString(), 1, "cannot read the file: " + e.getMessage());
        }
        String name = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        return parse(text, file.getFileName().toString(), name);
    }

    /** Parses text; {@code file} names it in errors, {@code name} is the scenario's name. */
    public static Scenario parse(String text, String file, String name) throws ScenarioFileException {
        return new ScenarioParser(file).scenario(YamlReader.read(text, file), name);
    }

    private Scenario scenario(YamlNode root, String name) throws ScenarioFileException {
        YamlNode.Mapping top = schema.map(root, "a scenario file");
        schema.allowOnly(top, "the scenario", "description", "cluster", "workload", "probe-timeout", "steps");
        String description = schema.text(schema.require(top, "description", "a scenario"), "description");
        YamlNode.Mapping cluster = schema.map(schema.require(top, "cluster", "a scenario"), "cluster");
        ClusterReader clusterReader = new ClusterReader(schema);
        String backend = clusterReader.cluster(cluster);
        spec = clusterReader.spec();
        if (schema.get(top, "workload").isPresent()) {
            spec = clusterReader.workload(schema.map(top.entries().get("workload").value(), "workload"));
        }
        refs = new References(schema, spec);
        Duration timeout = schema.get(top, "probe-timeout").isPresent()
                ? schema.duration(top.entries().get("probe-timeout").value(), "probe-timeout") : DEFAULT_PROBE_TIMEOUT;
        YamlNode.Sequence steps = schema.list(schema.require(top, "steps", "a scenario"), "steps");
        if (steps.items().isEmpty()) {
            throw schema.error(steps, "steps is empty; a scenario needs at least one step");
        }
        List<ScenarioStep> parsed = new ArrayList<>();
        for (YamlNode item : steps.items()) {
            parsed.add(step(item));
        }
        return new Scenario(name, description, schema.file(), backend, spec, timeout, parsed);
    }

    private ScenarioStep step(YamlNode item) throws ScenarioFileException {
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
        return switch (kind) {
            case "expect-healthy" -> {
                nothing(body, kind);
                yield new ScenarioStep.ExpectHealthy(line);
            }
            case "probe" -> probe(line, schema.map(body, "probe"));
            case "inject" -> inject(line, schema.map(body, "inject"));
            case "capture" -> capture(line, schema.map(body, "capture"));
            case "doctor" -> doctor(line, schema.map(body, "doctor"));
            case "fix" -> fix(line, body);
            case "wait" -> new ScenarioStep.Wait(line, schema.duration(body, "wait"));
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
        if (schema.get(body, "expect").isPresent()) {
            YamlNode.Mapping expect = schema.map(body.entries().get("expect").value(), "expect");
            schema.allowOnly(expect, "a capture's expect", "syn-retransmissions", "syn-acks-to");
            if (schema.get(expect, "syn-retransmissions").isPresent()) {
                retransmissions = Optional.of(schema.bool(expect.entries().get("syn-retransmissions").value(),
                        "syn-retransmissions"));
            }
            if (schema.get(expect, "syn-acks-to").isPresent()) {
                YamlNode macNode = expect.entries().get("syn-acks-to").value();
                String text = schema.text(macNode, "syn-acks-to");
                try {
                    synAcksTo = Optional.of(MacAddress.parse(text));
                } catch (IllegalArgumentException e) {
                    throw schema.error(macNode, "syn-acks-to must be a MAC address like ea:77:37:86:ee:bf, not "
                            + Excerpt.quote(text));
                }
            }
        }
        return new ScenarioStep.Capture(line, node, device, filter, retransmissions, synAcksTo);
    }

    private ScenarioStep doctor(int line, YamlNode.Mapping body) throws ScenarioFileException {
        schema.allowOnly(body, "doctor", "findings");
        List<ExpectedFinding> findings = new ArrayList<>();
        for (YamlNode item : schema.list(schema.require(body, "findings", "doctor"), "findings").items()) {
            YamlNode.Mapping finding = schema.map(item, "a finding");
            schema.allowOnly(finding, "a finding", "node", "fault", "device");
            YamlNode faultNode = schema.require(finding, "fault", "a finding");
            String fault = schema.text(faultNode, "fault");
            if (!FaultIds.ALL.contains(fault)) {
                throw schema.error(faultNode, "unknown fault id " + Excerpt.quote(fault) + " (the doctor's ids: "
                        + String.join(", ", FaultIds.ALL) + ")");
            }
            Optional<String> device = schema.get(finding, "device").isPresent()
                    ? Optional.of(schema.text(finding.entries().get("device").value(), "device")) : Optional.empty();
            findings.add(new ExpectedFinding(item.line(), refs.node(schema.require(finding, "node", "a finding")), fault,
                    device));
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
                throw schema.error(schema.oneOrMany(apply).get(i), "unknown fix '" + ids.get(i)
                        + "' (known: doctor, " + String.join(", ", FixIds.ALL) + ")");
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
            schema.allowOnly(cells, "an entry of " + what, "from", "to");
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
        String to = refs.target(schema.require(check, "to", "a check"));
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
            if (connect && to.startsWith("dns/")) {
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
