package dev.vxlab.detectors.netlink;

import java.lang.foreign.MemorySegment;

/** Reads one answer of a dump, straight from the receive buffer. */
@FunctionalInterface
interface MessageHandler {
    /**
     * @param buffer  the receive buffer, valid only during the call
     * @param message where the message's nlmsghdr starts
     * @param end     where the message ends
     * @throws TornDumpException when the message contradicts an earlier dump of the same snapshot
     * @throws IllegalArgumentException when the message cannot be read
     */
    void accept(MemorySegment buffer, long message, long end) throws TornDumpException;
}
