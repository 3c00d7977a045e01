package dev.vxlab.detectors.firewall;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Rulesets as the real nft writes and prints them: loaded into a throw-away network namespace, read back with -j. */
final class RealNft {
    private RealNft() {}

    /** {@code nft -f -} of the script in a new user and network namespace, then {@code nft -j list ruleset}. */
    static Ruleset load(String script) {
        try {
            Process p = new ProcessBuilder("unshare", "-rn", "sh", "-c", "nft -f - && nft -j list ruleset").start();
            p.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("nft refused the ruleset: " + err.strip());
            }
            return Ruleset.parse(out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run unshare/nft: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
