package dev.vxlab.backend.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client of the real QEMU guest agent (qemu-ga in the guest): QMP-style JSON over the VM's virtio-serial port,
 * which QEMU exposes here as a unix socket. One command at a time, each with a deadline. Replies that arrive after
 * their deadline are skipped by re-synchronising with {@code guest-sync-delimited}, whose 0xFF marker also flushes
 * whatever the guest had half-parsed.
 */
final class GuestAgent implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong SYNC_IDS = new AtomicLong(System.nanoTime() & 0xffffff);

    private final Path socket;
    private final SocketChannel channel;
    private final Selector selector;
    private final ReplyScanner replies = new ReplyScanner();
    private boolean needsSync = true;

    /** What qemu-ga said went wrong, or that it did not answer in time. */
    static final class AgentException extends IOException {
        AgentException(String message) {
            super(message);
        }
    }

    /** One finished or running guest-exec. */
    record ExecStatus(boolean exited, int exitCode, int signal, byte[] out, byte[] err) {}

    private GuestAgent(Path socket, SocketChannel channel, Selector selector) {
        this.socket = socket;
        this.channel = channel;
        this.selector = selector;
    }

    static GuestAgent connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.configureBlocking(false);
            Selector selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
            return new GuestAgent(socket, channel, selector);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /** Waits until qemu-ga answers a sync (it starts late in the guest's boot). */
    synchronized void awaitReady(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                sync(Duration.ofSeconds(2));
                return;
            } catch (AgentException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new AgentException("the guest agent on " + socket.getFileName() + " did not answer within "
                            + timeout.toSeconds() + " s");
                }
            }
        }
    }

    /** Runs a command and returns its "return" value. */
    synchronized JsonNode call(String command, Map<String, Object> arguments, Duration timeout) throws IOException {
        if (needsSync) {
            sync(timeout);
        }
        ObjectNode request = JSON.createObjectNode().put("execute", command);
        if (!arguments.isEmpty()) {
            request.set("arguments", JSON.valueToTree(arguments));
        }
        send(JSON.writeValueAsBytes(request));
        JsonNode reply = next(System.nanoTime() + timeout.toNanos(), command);
        if (reply.has("error")) {
            throw new AgentException(command + ": " + reply.path("error").path("desc").asText("error"));
        }
        return reply.path("return");
    }

    /** Starts argv in the guest with output captured; returns its guest PID. */
    int exec(List<String> argv, List<String> env, byte[] stdin, boolean capture, Duration timeout)
            throws IOException {
        Map<String, Object> args = new java.util.LinkedHashMap<>();
        args.put("path", argv.getFirst());
        args.put("arg", argv.subList(1, argv.size()));
        args.put("env", env);
        if (stdin != null) {
            args.put("input-data", Base64.getEncoder().encodeToString(stdin));
        }
        args.put("capture-output", capture);
        return call("guest-exec", args, timeout).path("pid").asInt();
    }

    ExecStatus status(int pid, Duration timeout) throws IOException {
        JsonNode r = call("guest-exec-status", Map.of("pid", pid), timeout);
        return new ExecStatus(r.path("exited").asBoolean(), r.path("exitcode").asInt(-1), r.path("signal").asInt(0),
                decode(r.path("out-data")), decode(r.path("err-data")));
    }

    /** Writes a whole file in the guest (created or truncated). */
    void writeFile(String path, byte[] content, Duration timeout) throws IOException {
        int handle = call("guest-file-open", Map.of("path", path, "mode", "w"), timeout).asInt();
        try {
            int chunk = 1 << 20;
            for (int at = 0; at < content.length; at += chunk) {
                byte[] part = java.util.Arrays.copyOfRange(content, at, Math.min(content.length, at + chunk));
                call("guest-file-write", Map.of("handle", handle, "buf-b64",
                        Base64.getEncoder().encodeToString(part)), timeout);
            }
        } finally {
            call("guest-file-close", Map.of("handle", handle), timeout);
        }
    }

    /** Reads a whole file in the guest; throws AgentException when it cannot be opened. */
    byte[] readFile(String path, Duration timeout) throws IOException {
        int handle = call("guest-file-open", Map.of("path", path, "mode", "r"), timeout).asInt();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            while (true) {
                JsonNode r = call("guest-file-read", Map.of("handle", handle, "count", 1 << 20), timeout);
                out.writeBytes(decode(r.path("buf-b64")));
                if (r.path("eof").asBoolean() || r.path("count").asInt() == 0) {
                    return out.toByteArray();
                }
            }
        } finally {
            call("guest-file-close", Map.of("handle", handle), timeout);
        }
    }

    private static byte[] decode(JsonNode base64) {
        return base64.isMissingNode() || base64.isNull() ? new byte[0] : Base64.getDecoder().decode(base64.asText());
    }

    /** 0xFF then guest-sync-delimited: the guest drops any half-read request; stale replies are skipped. */
    private void sync(Duration timeout) throws IOException {
        long id = SYNC_IDS.incrementAndGet();
        replies.clear();
        byte[] request = JSON.writeValueAsBytes(Map.of("execute", "guest-sync-delimited", "arguments",
                Map.of("id", id)));
        byte[] framed = new byte[request.length + 1];
        framed[0] = (byte) 0xff;
        System.arraycopy(request, 0, framed, 1, request.length);
        send(framed);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode reply = next(deadline, "guest-sync-delimited");
            if (reply.path("return").asLong(-1) == id) {
                needsSync = false;
                return;
            }
        }
    }

    private void send(byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            if (channel.write(buffer) == 0) {
                selector.selectNow();
                Thread.onSpinWait();
            }
        }
    }

    private JsonNode next(long deadline, String command) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        while (true) {
            byte[] object = replies.poll();
            if (object != null) {
                return JSON.readTree(object);
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                needsSync = true;
                throw new AgentException("the guest agent did not answer " + command + " in time");
            }
            selector.select(left);
            selector.selectedKeys().clear();
            buffer.clear();
            int n = channel.read(buffer);
            if (n < 0) {
                needsSync = true;
                throw new AgentException("the guest agent's socket closed (did the VM stop?)");
            }
            replies.feed(buffer.array(), n);
        }
    }

    @Override
    public void close() {
        try {
            selector.close();
            channel.close();
        } catch (IOException ignored) {
            // closing a unix socket to a VM that is going away
        }
    }

    /** Cuts the byte stream into top-level JSON objects; 0xFF delimiters and whitespace between them are skipped. */
    static final class ReplyScanner {
        private final Deque<byte[]> complete = new ArrayDeque<>();
        private final ByteArrayOutputStream current = new ByteArrayOutputStream();
        private int depth;
        private boolean inString;
        private boolean escaped;

        void feed(byte[] bytes, int length) {
            for (int i = 0; i < length; i++) {
                byte b = bytes[i];
                if (depth == 0) {
                    if (b == '{') {
                        depth = 1;
                        current.reset();
                        current.write(b);
                    }
                    continue;
                }
                current.write(b);
                if (inString) {
                    if (escaped) {
                        escaped = false;
                    } else if (b == '\\') {
                        escaped = true;
                    } else if (b == '"') {
                        inString = false;
                    }
                } else if (b == '"') {
                    inString = true;
                } else if (b == '{') {
                    depth++;
                } else if (b == '}' && --depth == 0) {
                    complete.add(current.toByteArray());
                }
            }
        }

        byte[] poll() {
            return complete.poll();
        }

        void clear() {
            complete.clear();
        }

        static String text(byte[] object) {
            return new String(object, StandardCharsets.UTF_8);
        }
    }
}
