package dev.vxlab.lab.capture;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Drains tcpdump's stderr for the whole run and lets callers wait for a line. tcpdump says "listening on" once the
 * capture is armed, prints its counters on SIGUSR1, and prints "N packets captured" when it ends, all on stderr; one
 * reader serves all three (and keeps the pipe from filling up).
 */
final class StderrWatcher {
    private final List<String> lines = new ArrayList<>(); // guarded by this
    private boolean ended; // guarded by this
    private final Thread reader;

    StderrWatcher(InputStream stderr) {
        reader = Thread.ofVirtual().name("tcpdump-stderr").start(() -> drain(stderr));
    }

    private void drain(InputStream stderr) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                add(line);
            }
        } catch (IOException ignored) {
            // the pipe closed under us: the process is gone, and its exit says the rest
        } finally {
            end();
        }
    }

    private synchronized void add(String line) {
        lines.add(line);
        notifyAll();
    }

    private synchronized void end() {
        ended = true;
        notifyAll();
    }

    /** The first line at or after index {@code from} that matches; empty when stderr ended or time ran out first. */
    synchronized Optional<String> awaitLine(int from, Pattern pattern, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int next = from;
        while (true) {
            for (; next < lines.size(); next++) {
                if (pattern.matcher(lines.get(next)).find()) {
                    return Optional.of(lines.get(next));
                }
            }
            long left = deadline - System.nanoTime();
            if (ended || left <= 0) {
                return Optional.empty();
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    synchronized boolean ended() {
        return ended;
    }

    synchronized int lineCount() {
        return lines.size();
    }

    /** Waits for tcpdump's last words (the packet counts) after it exited. */
    void awaitEnd(Duration timeout) throws InterruptedException {
        reader.join(timeout);
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }
}
