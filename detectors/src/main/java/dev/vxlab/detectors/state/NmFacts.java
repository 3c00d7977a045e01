package dev.vxlab.detectors.state;

import java.util.List;
import java.util.Objects;

/**
 * What NetworkManager means for a node: whether it runs, and which devices its configuration tells it to leave
 * alone ({@code [keyfile] unmanaged-devices}, in NetworkManager's device-spec syntax such as
 * {@code interface-name:flannel*}). The field bug's fix is exactly such a list covering flannel*, cni0 and veth*.
 *
 * <p>Device specs are judged on the interface name alone: {@code *}, {@code interface-name:GLOB} (with {@code *} and
 * {@code ?}), {@code interface-name:=NAME}, {@code interface-name:~GLOB} and {@code except:...} of those. Specs on other
 * properties ({@code mac:}, {@code type:}, {@code driver:}, bare MAC addresses) match no name.
 *
 * @param inspected        false when nobody looked (see {@link #NOT_INSPECTED}); the other fields are then meaningless
 * @param running          whether the NetworkManager service runs on the node
 * @param unmanagedDevices the effective unmanaged-devices specs, in configuration order
 * @param activatedDevices the devices NetworkManager has activated (or is activating) with a profile of its own, as
 *                         {@code nmcli -t -f DEVICE,STATE device} says "connected" or "connecting (...)"; not those
 *                         it merely found configured ("connected (externally)"). Reloading a configuration that makes
 *                         such a device unmanaged makes NetworkManager deconfigure it (docs/networkmanager.md)
 */
public record NmFacts(boolean inspected, boolean running, List<String> unmanagedDevices,
        List<String> activatedDevices) {
    /** Nothing is known about NetworkManager on this node. */
    public static final NmFacts NOT_INSPECTED = new NmFacts(false, false, List.of());

    public NmFacts {
        unmanagedDevices = List.copyOf(Objects.requireNonNull(unmanagedDevices, "unmanagedDevices"));
        activatedDevices = List.copyOf(Objects.requireNonNull(activatedDevices, "activatedDevices"));
    }

    /** Facts where nobody asked NetworkManager which devices it activated. */
    public NmFacts(boolean inspected, boolean running, List<String> unmanagedDevices) {
        this(inspected, running, unmanagedDevices, List.of());
    }

    /** These facts with the devices NetworkManager activated itself. */
    public NmFacts withActivatedDevices(List<String> devices) {
        return new NmFacts(inspected, running, unmanagedDevices, devices);
    }

    /** Whether the configuration marks a device of this name unmanaged. */
    public boolean unmanages(String interfaceName) {
        return DeviceSpecs.matches(unmanagedDevices, interfaceName);
    }

    /**
     * Whether the configuration marks EVERY device whose name starts with the prefix unmanaged ({@code flannel*}
     * covers "flannel"; {@code flannel.1} alone does not). Conservative: an {@code except:} that might exclude such a
     * name, or a glob too complex to judge, answers false.
     */
    public boolean unmanagesAllStartingWith(String prefix) {
        return DeviceSpecs.coversPrefix(unmanagedDevices, prefix);
    }

    /** flannel.1 and any other flannel* device (flannel's vxlan devices are flannel.VNI). */
    public boolean coversFlannel() {
        return unmanagesAllStartingWith("flannel");
    }

    public boolean coversCni0() {
        return unmanages("cni0");
    }

    /** Every veth* device (the host ends of the pods' veth pairs have random names). */
    public boolean coversVeth() {
        return unmanagesAllStartingWith("veth");
    }
}
