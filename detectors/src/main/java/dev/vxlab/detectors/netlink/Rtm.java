package dev.vxlab.detectors.netlink;

/** rtnetlink's message types (include/uapi/linux/rtnetlink.h) that vxlab asks for or listens to. */
final class Rtm {
    static final int NEWLINK = 16;
    static final int DELLINK = 17;
    static final int GETLINK = 18;
    static final int NEWADDR = 20;
    static final int DELADDR = 21;
    static final int GETADDR = 22;
    static final int NEWROUTE = 24;
    static final int DELROUTE = 25;
    static final int GETROUTE = 26;
    static final int NEWNEIGH = 28;
    static final int DELNEIGH = 29;
    static final int GETNEIGH = 30;
    static final int NEWRULE = 32;
    static final int DELRULE = 33;
    static final int GETRULE = 34;
    static final int NEWNETCONF = 80;
    static final int DELNETCONF = 81;
    static final int GETNETCONF = 82;

    private Rtm() {}
}
