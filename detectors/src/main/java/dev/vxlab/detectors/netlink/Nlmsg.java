package dev.vxlab.detectors.netlink;

/** The netlink message header (struct nlmsghdr, include/uapi/linux/netlink.h) and numbers shared by all families. */
final class Nlmsg {
    /** nlmsg_len u32, nlmsg_type u16, nlmsg_flags u16, nlmsg_seq u32, nlmsg_pid u32. */
    static final int HDRLEN = 16;
    static final int LEN = 0;
    static final int TYPE = 4;
    static final int FLAGS = 6;
    static final int SEQ = 8;

    static final int NOOP = 1;
    static final int ERROR = 2;
    static final int DONE = 3;
    static final int OVERRUN = 4;

    static final int F_REQUEST = 0x1;
    static final int F_MULTI = 0x2;
    static final int F_DUMP_INTR = 0x10;
    static final int F_DUMP = 0x300;
    /** On NLMSG_ERROR: the echoed request is only its header. */
    static final int F_CAPPED = 0x100;
    /** On NLMSG_ERROR and NLMSG_DONE: extended-ack attributes follow. */
    static final int F_ACK_TLVS = 0x200;

    /** struct nlmsgerr: int error, then the request's header (and body unless capped). */
    static final int ERROR_CODE = HDRLEN;
    static final int NLMSGERR_ATTR_MSG = 1;

    static final int AF_UNSPEC = 0;
    static final int AF_INET = 2;
    static final int AF_BRIDGE = 7;
    static final int AF_INET6 = 10;

    private Nlmsg() {}
}
