package dev.vxlab.backend.containers;

import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import dev.vxlab.lab.LabException;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Map;

/**
 * Removes a run's containers and network when the process that made them is gone, however it went (closed, ^C,
 * SIGKILL, a crash). Like Testcontainers' Ryuk, but from the node image and without a registry: a small container
 * with the engine's socket mounted waits on its stdin, which this process holds through an attach; when the
 * connection closes, the engine closes that stdin and the container deletes everything labelled with the run, then
 * itself (auto-remove).
 */
final class Reaper implements AutoCloseable {
    static final String SOCKET_IN_CONTAINER = "/vxlab/docker.sock";

    private final DockerEngine engine;
    private final String id;
    private final SocketChannel stdin;

    private Reaper(DockerEngine engine, String id, SocketChannel stdin) {
        this.engine = engine;
        this.id = id;
        this.stdin = stdin;
    }

    /** The reaper's shell script: block until stdin closes, then delete the run's containers and networks. */
    static String script(String prefix) {
        String filter = "filters={\"label\":[\"" + ContainersNames.RUN_LABEL + "=" + prefix + "\"]}";
        String api = "curl -s --max-time 60 --unix-socket " + SOCKET_IN_CONTAINER + " ";
        return "cat >/dev/null\n"
                + "ids() { " + api + "-G --data-urlencode '" + filter + "' \"http://engine/$1\""
                + " | grep -o '\"Id\":\"[0-9a-f]*\"' | cut -d'\"' -f4; }\n"
                + "for id in $(ids containers/json?all=1); do " + api + "-X DELETE \"http://engine/containers/$id?force=1&v=1\"; done\n"
                + "for id in $(ids networks); do " + api + "-X DELETE \"http://engine/networks/$id\"; done\n";
    }

    /** Starts the run's reaper, or says why it cannot (the engine is not on a unix socket here). */
    static Reaper start(DockerEngine engine, ContainersNames names) throws LabException {
        Path socket = engine.socket().orElseThrow(() -> new LabException(
                "the containers backend needs the engine on a unix socket (DOCKER_HOST=unix://...), not " + engine.host()));
        String id;
        try {
            id = engine.client().createContainerCmd(NodeImage.tag()).withName(names.reaper())
                    .withLabels(Map.of(ContainersNames.REAPER_LABEL, names.prefix()))
                    .withCmd("sh", "-c", script(names.prefix()))
                    .withStdinOpen(true).withStdInOnce(true).withAttachStdin(true)
                    .withHostConfig(HostConfig.newHostConfig().withAutoRemove(true).withNetworkMode("none")
                            .withBinds(new Bind(socket.toString(), new Volume(SOCKET_IN_CONTAINER))))
                    .exec().getId();
        } catch (DockerException e) {
            throw new LabException("cannot create the run's reaper container: " + e.getMessage(), e);
        }
        SocketChannel stdin;
        try {
            stdin = engine.holdStdin(id);
            engine.client().startContainerCmd(id).exec();
        } catch (LabException | DockerException e) {
            remove(engine, id);
            throw e instanceof LabException lab ? lab
                    : new LabException("cannot start the run's reaper container: " + e.getMessage(), e);
        }
        return new Reaper(engine, id, stdin);
    }

    /** Lets the reaper go: it sweeps (nothing is left after a normal close) and removes itself. */
    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already closed
        }
        remove(engine, id);
    }

    private static void remove(DockerEngine engine, String id) {
        try {
            engine.client().removeContainerCmd(id).withForce(true).exec();
        } catch (DockerException ignored) {
            // auto-removed already
        }
    }
}
