package dev.vxlab.detectors.netlink;

import dev.vxlab.detectors.netns.Libc;

/** A socket call returned -1: its name and errno, with the C library's text for it. */
final class SyscallFailure extends Exception {
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int ENOPROTOOPT = 92;
    static final int ENOBUFS = 105;

    private final String call;
    private final int errno;

    SyscallFailure(String call, int errno) {
        super(null, null, false, false); // expected on some paths (EAGAIN): no stack trace, no text until asked
        this.call = call;
        this.errno = errno;
    }

    @Override
    public String getMessage() {
        return call + ": " + Libc.strerror(errno);
    }

    int errno() {
        return errno;
    }
}
