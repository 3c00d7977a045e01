package dev.vxlab.detectors.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The iproute2 6.1 output captured by resources/iproute2-6.1/capture.sh, and a runner that replays it. */
final class Samples {
    private Samples() {}

    static String read(String name) {
        try (InputStream in = Samples.class.getResourceAsStream("/iproute2-6.1/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no sample " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Answers the commands IpJsonSource runs with the captured output; anything else exits 127. */
    static final class Replay implements CommandRunner {
        private final Map<String, Output> answers = new HashMap<>();

        static Replay numeric() {
            Replay r = new Replay()
                    .answer("ip -N -V", read("ip-version.txt"))
                    .answer("uname -r", "6.18.44-fc-v782\n")
                    .answer("ip -j -d -s -s link show", read("link.json"))
                    .answer("ip -j -N -4 addr show", read("addr.json"))
                    .answer("ip -j -N -4 -d route show table all", read("route.json"))
                    .answer("ip -j -4 neigh show nud all", read("neigh.json"))
                    .answer("bridge -j fdb show", read("fdb.json"))
                    .answer("ip -j -4 netconf show", read("netconf.json"))
                    .answer("ip -j -N -4 rule show", read("rule.json"));
            return r;
        }

        /** An iproute2 without -N, so the source falls back to names. */
        static Replay names() {
            Replay r = numeric();
            r.answers.put("ip -N -V", new Output(255, "", "Option \"-N\" is unknown, try \"ip -help\".\n"));
            return r.answer("ip -V", read("ip-version.txt"))
                    .answer("ip -j -4 addr show", read("addr-names.json"))
                    .answer("ip -j -4 -d route show table all", read("route-names.json"))
                    .answer("ip -j -4 rule show", read("rule-names.json"));
        }

        Replay answer(String command, String stdout) {
            answers.put(command, new Output(0, stdout, ""));
            return this;
        }

        Replay answer(String command, Output output) {
            answers.put(command, output);
            return this;
        }

        @Override
        public Output run(List<String> argv) {
            return answers.getOrDefault(String.join(" ", argv),
                    new Output(127, "", String.join(" ", argv) + ": not scripted"));
        }
    }
}
