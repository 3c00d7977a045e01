package dev.vxlab.detectors.netlink;

import dev.vxlab.detectors.netns.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * An eventfd(2), non-blocking, through the FFM API: another thread's {@link #signal} makes it readable, so a poll(2)
 * that watches it beside a socket sleeps until either has something instead of waking on a timer to look at a flag.
 * {@link #signal} is safe from any thread and after {@link #close} (it then does nothing: the number may be reused).
 */
final class EventFd implements AutoCloseable {
    private static final int EFD_NONBLOCK = 0x800;
    private static final int EFD_CLOEXEC = 0x80000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle EVENTFD = bind("eventfd", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle READ = bind("read", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle WRITE = bind("write", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));

    private final int fd;
    /** The reader's and the signalling threads' scratch, apart: they run at once. */
    private final MemorySegment readState;
    private final MemorySegment readValue;
    private final MemorySegment writeState;
    private final MemorySegment writeValue;
    private boolean closed; // guarded by this

    private EventFd(int fd, Arena arena) {
        this.fd = fd;
        this.readState = arena.allocate(CALL_STATE);
        this.readValue = arena.allocate(8, 8);
        this.writeState = arena.allocate(CALL_STATE);
        this.writeValue = arena.allocate(8, 8);
    }

    private static MethodHandle bind(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), descriptor,
                Linker.Option.captureCallState("errno"));
    }

    /** A new eventfd; its scratch memory comes from the arena, which must outlive it. */
    static EventFd open(Arena arena) throws SyscallFailure {
        MemorySegment state = arena.allocate(CALL_STATE);
        int fd;
        try {
            fd = (int) EVENTFD.invokeExact(state, 0, EFD_NONBLOCK | EFD_CLOEXEC);
        } catch (Throwable t) {
            throw new IllegalStateException("eventfd downcall failed", t);
        }
        if (fd < 0) {
            throw new SyscallFailure("eventfd", (int) ERRNO.get(state, 0L));
        }
        return new EventFd(fd, arena);
    }

    int fd() {
        return fd;
    }

    /** Adds one to the counter: the fd reads as ready until {@link #drain}. */
    synchronized void signal() {
        if (closed) {
            return;
        }
        writeValue.set(ValueLayout.JAVA_LONG, 0, 1L);
        try {
            long ignored = (long) WRITE.invokeExact(writeState, fd, writeValue, 8L); // EAGAIN: it is readable anyway
        } catch (Throwable t) {
            throw new IllegalStateException("write downcall failed", t);
        }
    }

    /** Resets the counter (the owner's thread); whether it had been signalled. */
    boolean drain() {
        try {
            return (long) READ.invokeExact(readState, fd, readValue, 8L) == 8;
        } catch (Throwable t) {
            throw new IllegalStateException("read downcall failed", t);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
        }
    }
}
