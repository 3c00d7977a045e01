package dev.vxlab.detectors.action;

import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.Remote;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A real node: commands and files go through its remote, and its flanneld restarts by deleting the node's flannel
 * pod with kubectl, run where {@code kubectl} runs (this machine's shell, with the user's kubeconfig).
 */
public record RealNode(Remote remote, Remote kubectlShell, UnaryOperator<String> files) implements NodeHandle {

    public RealNode(Remote remote, Remote kubectlShell) {
        this(remote, kubectlShell, UnaryOperator.identity());
    }

    @Override
    public String name() {
        return remote.name();
    }

    @Override
    public String filePath(String nodePath) {
        return files.apply(nodePath);
    }

    @Override
    public List<String> restartFlanneld() throws ActionException {
        List<String> argv = new NodeAction.RestartFlanneld().kubectl(name());
        CommandResult result = kubectlShell.run(argv, java.time.Duration.ofSeconds(60));
        if (!result.ok()) {
            throw new ActionException("'" + result.commandLine() + "' failed on " + kubectlShell.name() + ": "
                    + firstLine(result.stderr()));
        }
        return List.of(result.commandLine());
    }

    static String firstLine(String text) {
        String stripped = text.strip();
        int end = stripped.indexOf('\n');
        return stripped.isEmpty() ? "no message" : end < 0 ? stripped : stripped.substring(0, end);
    }
}
