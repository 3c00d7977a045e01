package dev.vxlab.lab.capture;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** kill(2) for the one signal ProcessHandle cannot send: SIGUSR1, which asks tcpdump for its counters. */
final class Signals {
    static final int SIGUSR1 = 10; // the same on x86-64 and arm64 Linux

    private static final MethodHandle KILL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("kill"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private Signals() {}

    /** Sends the signal to one process we started; false when it is gone. */
    static boolean send(Process process, int signal) {
        if (!process.isAlive()) {
            return false; // never signal a PID that may already belong to someone else
        }
        try {
            return (int) KILL.invokeExact(Math.toIntExact(process.pid()), signal) == 0;
        } catch (Throwable t) {
            throw new IllegalStateException("kill downcall failed", t);
        }
    }
}
