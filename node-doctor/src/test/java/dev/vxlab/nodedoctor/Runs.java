package dev.vxlab.nodedoctor;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the standalone node doctor's command line and keeps its exit code and outputs. */
record Runs(int exit, String out, String err) {

    static synchronized Runs of(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = Main.run(args);
            return new Runs(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8).strip());
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }
}
