package dev.vxlab.agent;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.NodeList;

/**
 * The JVM flags the agent ships with, read from the checkout's own files so a measurement of the agent as deployed
 * has one source of truth: the image's entry point (agent/pom.xml, Jib's {@code <entrypoint>}, the arguments between
 * the java binary and {@code -cp}) and the DaemonSet's {@code JAVA_TOOL_OPTIONS} (deploy/agent/daemonset.yaml).
 *
 * @param entryPoint       the entry point's JVM arguments
 * @param javaToolOptions  the DaemonSet's JAVA_TOOL_OPTIONS value
 */
public record ShippedJvm(List<String> entryPoint, String javaToolOptions) {
    public static final String DAEMONSET = "deploy/agent/daemonset.yaml";
    public static final String POM = "agent/pom.xml";

    public ShippedJvm {
        entryPoint = List.copyOf(entryPoint);
    }

    /** Reads both files under the checkout {@code root}; throws naming the file when one has no such flags. */
    public static ShippedJvm read(Path root) throws IOException {
        return new ShippedJvm(entryPoint(root.resolve(POM)), javaToolOptions(root.resolve(DAEMONSET)));
    }

    /** Every flag on one command line: the entry point's, then JAVA_TOOL_OPTIONS' (the order the JVM applies them). */
    public List<String> commandLine() {
        List<String> all = new ArrayList<>(entryPoint);
        all.addAll(List.of(javaToolOptions.strip().split("\\s+")));
        return List.copyOf(all);
    }

    static String javaToolOptions(Path daemonSet) throws IOException {
        DaemonSet ds = new KubernetesSerialization().unmarshal(Files.readString(daemonSet), DaemonSet.class);
        return ds.getSpec().getTemplate().getSpec().getContainers().stream()
                .flatMap(c -> c.getEnv() == null ? java.util.stream.Stream.<EnvVar>empty() : c.getEnv().stream())
                .filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS") && e.getValue() != null).map(EnvVar::getValue)
                .findFirst()
                .orElseThrow(() -> new IOException(daemonSet + ": no JAVA_TOOL_OPTIONS in the container's env"));
    }

    static List<String> entryPoint(Path pom) throws IOException {
        try {
            var factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            NodeList args = (NodeList) XPathFactory.newInstance().newXPath().evaluate(
                    "//*[local-name()='plugin'][*[local-name()='artifactId']='jib-maven-plugin']"
                            + "//*[local-name()='container']/*[local-name()='entrypoint']/*[local-name()='arg']",
                    factory.newDocumentBuilder().parse(pom.toFile()), XPathConstants.NODESET);
            List<String> flags = new ArrayList<>();
            for (int i = 1; i < args.getLength(); i++) { // 0 is the java binary
                String arg = args.item(i).getTextContent().strip();
                if (arg.equals("-cp")) {
                    return flags;
                }
                flags.add(arg);
            }
            throw new IOException(pom + ": Jib's entry point has no -cp after the JVM's flags");
        } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException
                 | javax.xml.xpath.XPathExpressionException e) {
            throw new IOException(pom + ": " + e.getMessage(), e);
        }
    }
}
