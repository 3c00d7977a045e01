package dev.vxlab.lab.daemons;

import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.detectors.remote.RemoteException;
import dev.vxlab.lab.LabException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** firewalld's configuration on a lab node: the package's default zone, flannel's traffic allowed, or the user's files. */
public sealed interface FirewalldConfig {
    /** Zone files this class writes; the default variant removes them again. */
    List<String> OURS = List.of("/etc/firewalld/zones/public.xml", "/etc/firewalld/zones/trusted.xml");

    String id();

    void apply(Remote remote) throws LabException;

    /** Parses {@code default}, {@code flannel-allowed} or {@code user:DIR}; the pod network is the cluster's. */
    static FirewalldConfig parse(String text, Ipv4Prefix podNetwork) {
        if (text.equals("default")) {
            return new Default();
        }
        if (text.equals("flannel-allowed")) {
            return new FlannelAllowed(podNetwork);
        }
        if (text.startsWith("user:") && text.length() > 5) {
            return new User(Path.of(text.substring(5)));
        }
        throw new IllegalArgumentException("unknown firewalld configuration '" + text
                + "' (known: default, flannel-allowed, user:DIR)");
    }

    /** Debian's default: the public zone (ssh, dhcpv6-client) rejects everything else, input and forward. */
    record Default() implements FirewalldConfig {
        public String id() {
            return "default";
        }

        public void apply(Remote remote) throws LabException {
            try {
                for (String file : OURS) {
                    remote.run("rm", "-f", remote.processPath(file));
                }
            } catch (RemoteException e) {
                throw new LabException("cannot reset firewalld's configuration on node " + remote.name() + ": "
                        + e.getMessage(), e);
            }
        }
    }

    /**
     * The preventive configuration: VXLAN's port open in the public zone, and the pod network a source of the trusted
     * zone (so forwarded pod traffic is accepted); what {@code firewall-cmd --permanent} would save.
     */
    record FlannelAllowed(Ipv4Prefix podNetwork) implements FirewalldConfig {
        public String id() {
            return "flannel-allowed";
        }

        public void apply(Remote remote) throws LabException {
            try {
                remote.put("/etc/firewalld/zones/public.xml", """
                        <?xml version="1.0" encoding="utf-8"?>
                        <zone>
                          <short>Public</short>
                          <service name="ssh"/>
                          <service name="dhcpv6-client"/>
                          <port protocol="udp" port="8472"/>
                          <forward/>
                        </zone>
                        """);
                remote.put("/etc/firewalld/zones/trusted.xml", """
                        <?xml version="1.0" encoding="utf-8"?>
                        <zone target="ACCEPT">
                          <short>Trusted</short>
                          <source address="%s"/>
                          <forward/>
                        </zone>
                        """.formatted(podNetwork));
            } catch (RemoteException e) {
                throw new LabException("cannot write firewalld's zones on node " + remote.name() + ": "
                        + e.getMessage(), e);
            }
        }
    }

    /** The user's own files, copied over the node's /etc/firewalld (their layout: zones/, policies/, ...). */
    record User(Path directory) implements FirewalldConfig {
        public String id() {
            return "user:" + directory;
        }

        public void apply(Remote remote) throws LabException {
            if (!Files.isDirectory(directory)) {
                throw new LabException("firewalld configuration directory " + directory + " does not exist");
            }
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    remote.put("/etc/firewalld/" + directory.relativize(file), Files.readAllBytes(file));
                }
            } catch (IOException | RemoteException e) {
                throw new LabException("cannot copy " + directory + " to node " + remote.name() + ": "
                        + e.getMessage(), e);
            }
        }
    }
}
