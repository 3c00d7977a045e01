package dev.vxlab.detectors.advertised;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The field report's five nodes (FIELD-BUG.md). resources/kubectl/field-nodes.json renders them the way kubectl 1.15
 * prints {@code get nodes -o json}; the public IPs, VtepMACs and backend annotations are the report's, the node names,
 * uids and the subnets of .19, .20 and .23 are made up (the report names 10.187.1.0/24 on .21, 10.187.4.0/24 on .22,
 * and 10.187.0.0/24 on the node that ran curl).
 */
final class FieldCluster {
    static final List<AdvertisedNode> NODES = List.of(
            node("kylin-19", 0, 19, "ea:77:37:86:ee:bf"),
            node("kylin-20", 2, 20, "f2:d2:28:8e:4c:61"),
            node("kylin-21", 1, 21, "2a:f1:d4:d0:32:24"),
            node("kylin-22", 4, 22, "4a:e7:02:47:20:b8"),
            node("kylin-23", 3, 23, "ce:ce:f3:fc:3f:77"));

    private FieldCluster() {}

    static AdvertisedNode node(String name, int subnet, int octet, String mac) {
        return new AdvertisedNode(name, Ipv4Prefix.parse("10.187." + subnet + ".0/24"),
                Ipv4.parse("172.31.159." + octet), MacAddress.parse(mac), "vxlan", true);
    }

    static String kubectlJson() {
        try (InputStream in = FieldCluster.class.getResourceAsStream("/kubectl/field-nodes.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
