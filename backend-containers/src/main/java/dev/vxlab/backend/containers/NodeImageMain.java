package dev.vxlab.backend.containers;

import dev.vxlab.lab.LabException;

/**
 * Builds the node image outside the sandbox (debootstrap needs the network) and imports it into the engine; the
 * Maven build runs it before the tests. {@code --if-engine-present}: where no engine answers, say so and do nothing.
 */
public final class NodeImageMain {
    private NodeImageMain() {}

    public static void main(String[] args) {
        boolean optional = args.length > 0 && args[0].equals("--if-engine-present");
        try (DockerEngine engine = DockerEngine.connect()) {
            new NodeImage(NodeImage.defaultCache(), System.err::println).ensureIn(engine, true);
        } catch (LabException e) {
            System.err.println("containers: " + e.getMessage() + (optional ? "; no node image built" : ""));
            if (!optional) {
                System.exit(2);
            }
        }
    }
}
