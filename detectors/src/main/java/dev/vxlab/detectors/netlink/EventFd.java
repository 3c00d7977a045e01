package dev.vxlab.detectors.netlink;

import dev.vxlab.detectors.netns.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * An eventfd(2), non-blocking, through the FFM API: another thread's {@link #signal} makes it readable, so a poll(2)
 * that watches it beside a socket sleeps until either has something instead of waking on a timer to look at a flag.
 * {@link #signal} is safe from any thread and after {@link #close} (it then does nothing: the number may be reused).
 */
final class EventFd implements AutoCloseable {
    private static final int EFD_NONBLOCK = 0x800;
    private static final int EFD_CLOEXEC = 0x80000;

    private static final MethodHandle EVENTFD = Libc.downcall("eventfd", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle READ = Libc.downcall("read", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle WRITE = Libc.downcall("write", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
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
        this.readState = Libc.callState(arena);
        this.readValue = arena.allocate(8, 8);
        this.writeState = Libc.callState(arena);
        this.writeValue = arena.allocate(8, 8);
    }

    /** A new eventfd; its scratch memory comes from the arena, which must outlive it. */
    static EventFd open(Arena arena) throws SyscallFailure {
        MemorySegment state = Libc.callState(arena);
        int fd;
        try {
            fd = (int) EVENTFD.invokeExact(state, 0, EFD_NONBLOCK | EFD_CLOEXEC);
        } catch (Throwable t) {
            throw new IllegalStateException("eventfd downcall failed", t);
        }
        if (fd < 0) {
            throw new SyscallFailure("eventfd", Libc.errno(state));
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
