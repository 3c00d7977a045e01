package dev.vxlab.detectors.advertised;

import dev.vxlab.detectors.addr.Ipv4Prefix;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * flannel's {@code /run/flannel/subnet.env}: what the node's flanneld leased and tells the CNI plugin.
 *
 * @param network FLANNEL_NETWORK, the whole pod network (10.187.0.0/16)
 * @param subnet  FLANNEL_SUBNET, the node's lease as the bridge's address, host bits kept (10.187.0.1/24)
 * @param mtu     FLANNEL_MTU (1450 for vxlan over a 1500-byte underlay)
 * @param ipMasq  FLANNEL_IPMASQ
 */
public record SubnetEnv(Ipv4Prefix network, Ipv4Prefix subnet, int mtu, boolean ipMasq) {

    public SubnetEnv {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(subnet, "subnet");
        if (mtu < 68 || mtu > 65535) {
            throw new IllegalArgumentException("an MTU is 68..65535, not " + mtu);
        }
    }

    /** Reads the file's text; keys flannel adds for other families (FLANNEL_IPV6_*) are ignored. */
    public static SubnetEnv parse(String text) throws AdvertisedViewException {
        Map<String, String> values = new HashMap<>();
        for (String raw : text.lines().toList()) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new AdvertisedViewException("subnet.env has a line that is not KEY=VALUE: '" + line + "'");
            }
            String value = line.substring(eq + 1).strip();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                    || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            values.put(line.substring(0, eq).strip(), value);
        }
        Ipv4Prefix network = prefix(values, "FLANNEL_NETWORK");
        Ipv4Prefix subnet = prefix(values, "FLANNEL_SUBNET");
        String mtuText = required(values, "FLANNEL_MTU");
        int mtu;
        try {
            mtu = Integer.parseInt(mtuText);
            if (mtu < 68 || mtu > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new AdvertisedViewException("subnet.env: FLANNEL_MTU '" + mtuText + "' is not an MTU", e);
        }
        String masq = required(values, "FLANNEL_IPMASQ");
        if (!masq.equals("true") && !masq.equals("false")) {
            throw new AdvertisedViewException("subnet.env: FLANNEL_IPMASQ is '" + masq + "', not true or false");
        }
        return new SubnetEnv(network, subnet, mtu, Boolean.parseBoolean(masq));
    }

    /** The file as flanneld writes it. */
    public String toFileText() {
        return "FLANNEL_NETWORK=" + network + "\nFLANNEL_SUBNET=" + subnet + "\nFLANNEL_MTU=" + mtu
                + "\nFLANNEL_IPMASQ=" + ipMasq + "\n";
    }

    private static String required(Map<String, String> values, String key) throws AdvertisedViewException {
        String value = values.get(key);
        if (value == null || value.isEmpty()) {
            throw new AdvertisedViewException("subnet.env has no " + key);
        }
        return value;
    }

    private static Ipv4Prefix prefix(Map<String, String> values, String key) throws AdvertisedViewException {
        String text = required(values, key);
        try {
            if (text.indexOf('/') < 0) {
                throw new IllegalArgumentException("no prefix length");
            }
            return Ipv4Prefix.parse(text);
        } catch (IllegalArgumentException e) {
            throw new AdvertisedViewException("subnet.env: " + key + " '" + text + "' is not an IPv4 CIDR", e);
        }
    }
}
