package dev.vxlab.lab.capture;

import java.nio.file.Path;

/** A finished capture: the pcap file, where it was taken, and how many packets tcpdump said it wrote. */
public record CaptureFile(Path path, String device, String node, long packetsCaptured) {}
