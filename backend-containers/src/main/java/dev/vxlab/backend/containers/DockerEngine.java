package dev.vxlab.backend.containers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.vxlab.lab.LabException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * The Docker engine the lab drives: found from {@code DOCKER_HOST} (or the usual {@code /var/run/docker.sock}),
 * reached through docker-java with its dependency-free transport. Two calls docker-java does not do well here are
 * plain HTTP on the engine's unix socket: importing a root file system ({@code POST /images/create?fromSrc=-}) and
 * holding a reaper container's stdin open (an attach upgraded to a raw stream). Nothing is ever pulled.
 */
final class DockerEngine implements AutoCloseable {
    static final String NO_ENGINE = "no Docker engine: start one (.ci/private-dockerd.sh start) or set DOCKER_HOST";
    static final Path DEFAULT_SOCKET = Path.of("/var/run/docker.sock");

    /**
     * Commands running at once on the engine, one per core: each docker exec costs the engine a runc process, and
     * with 4 at once on 2 busy cores a pod's server sometimes missed a probe's 800 ms deadline (and the whole run was
     * slower: 5 min against 2.5 min for field-bug on 5 nodes here).
     */
    static final int CONCURRENT_EXECS = Math.max(2, Runtime.getRuntime().availableProcessors());

    private final String host;
    private final DockerClient client;
    private final Semaphore execs = new Semaphore(CONCURRENT_EXECS, true);

    private DockerEngine(String host, DockerClient client) {
        this.host = host;
        this.client = client;
    }

    /** Where the engine is: DOCKER_HOST, else the default socket when it exists; empty when there is none. */
    static Optional<String> host(Map<String, String> environment) {
        String set = environment.getOrDefault("DOCKER_HOST", "").strip();
        if (!set.isEmpty()) {
            return Optional.of(set);
        }
        return Files.exists(DEFAULT_SOCKET) ? Optional.of("unix://" + DEFAULT_SOCKET) : Optional.empty();
    }

    /** Connects to the engine and checks that it answers, or says in one sentence why there is none. */
    static DockerEngine connect() throws LabException {
        return connect(System.getenv());
    }

    /** {@link #connect()} with the environment given (for tests). */
    static DockerEngine connect(Map<String, String> environment) throws LabException {
        String host = host(environment).orElseThrow(() -> new LabException(NO_ENGINE));
        if (host.startsWith("unix://") && !Files.exists(Path.of(host.substring("unix://".length())))) {
            throw new LabException("no Docker engine at DOCKER_HOST=" + host
                    + " (no such socket): start one (.ci/private-dockerd.sh start) or set DOCKER_HOST");
        }
        DockerClient client;
        try {
            URI uri = URI.create(host);
            var config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
            var http = new ZerodepDockerHttpClient.Builder().dockerHost(uri).maxConnections(32)
                    .connectionTimeout(Duration.ofSeconds(10)).build();
            client = DockerClientImpl.getInstance(config, http);
        } catch (RuntimeException e) {
            throw new LabException("DOCKER_HOST=" + host + " is not a Docker address: " + e.getMessage(), e);
        }
        DockerEngine engine = new DockerEngine(host, client);
        try {
            client.pingCmd().exec();
        } catch (RuntimeException e) {
            engine.close();
            throw new LabException("no Docker engine answers at DOCKER_HOST=" + host
                    + ": start one (.ci/private-dockerd.sh start) or set DOCKER_HOST");
        }
        return engine;
    }

    String host() {
        return host;
    }

    DockerClient client() {
        return client;
    }

    /** The engine's unix socket, when it is reached through one (the reaper mounts it). */
    Optional<Path> socket() {
        return host.startsWith("unix://") ? Optional.of(Path.of(host.substring("unix://".length()))) : Optional.empty();
    }

    /** Takes one of the engine's exec slots; the returned handle gives it back. */
    AutoCloseable execSlot() throws InterruptedException {
        execs.acquire();
        return execs::release;
    }

    /** Imports a root file system tar as an image (the engine's own `docker import`); nothing is pulled. */
    void importImage(Path tar, String repository, String tag, java.util.List<String> changes) throws LabException {
        StringBuilder query = new StringBuilder("/images/create?fromSrc=-&repo=").append(encode(repository))
                .append("&tag=").append(encode(tag));
        changes.forEach(c -> query.append("&changes=").append(encode(c)));
        Path socket = socket().orElseThrow(() -> new LabException(
                "importing the node image needs the engine on a unix socket, not " + host));
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            String head = "POST " + query + " HTTP/1.1\r\nHost: docker\r\nContent-Type: application/x-tar\r\n"
                    + "Content-Length: " + Files.size(tar) + "\r\nConnection: close\r\n\r\n";
            writeFully(channel, head.getBytes(StandardCharsets.US_ASCII));
            try (var file = java.nio.channels.FileChannel.open(tar)) {
                long position = 0;
                long size = file.size();
                while (position < size) {
                    position += file.transferTo(position, size - position, channel);
                }
            }
            String response = new String(readAll(Channels.newInputStream(channel)), StandardCharsets.UTF_8);
            String status = response.lines().findFirst().orElse("");
            if (!status.matches("HTTP/1\\.[01] 200.*") || response.contains("\"errorDetail\"")) {
                throw new LabException("the engine refused the node image import: " + status + " "
                        + response.substring(Math.max(0, response.indexOf("\r\n\r\n"))).strip());
            }
        } catch (IOException e) {
            throw new LabException("cannot import the node image into the engine at " + host + ": " + e.getMessage(), e);
        }
    }

    /**
     * Attaches to a created container's stdin and keeps the connection open: when this process ends, however it
     * ends, the kernel closes the socket and the engine closes the container's stdin.
     */
    SocketChannel holdStdin(String containerId) throws LabException {
        Path socket = socket().orElseThrow(() -> new LabException("the reaper needs the engine on a unix socket"));
        try {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
            String request = "POST /containers/" + containerId + "/attach?stream=1&stdin=1 HTTP/1.1\r\n"
                    + "Host: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n";
            writeFully(channel, request.getBytes(StandardCharsets.US_ASCII));
            String status = readLine(channel);
            if (!status.contains(" 101 ") && !status.contains(" 200 ")) {
                channel.close();
                throw new LabException("the engine refused to attach to the reaper: " + status);
            }
            while (!readLine(channel).isEmpty()) {
                // the rest of the response head
            }
            return channel;
        } catch (IOException e) {
            throw new LabException("cannot attach to the reaper container: " + e.getMessage(), e);
        }
    }

    private static String readLine(SocketChannel channel) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (true) {
            one.clear();
            if (channel.read(one) < 0) {
                throw new IOException("the engine closed the connection");
            }
            byte b = one.get(0);
            if (b == '\n') {
                return line.toString(StandardCharsets.US_ASCII).strip();
            }
            line.write(b);
        }
    }

    private static void writeFully(SocketChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException ignored) {
            // nothing to release beyond the connections
        }
    }
}
