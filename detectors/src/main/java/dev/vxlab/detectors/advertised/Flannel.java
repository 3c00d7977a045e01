package dev.vxlab.detectors.advertised;

/** The annotation keys flannel's kube subnet manager writes on every Node (default prefix). */
final class Flannel {
    static final String PREFIX = "flannel.alpha.coreos.com/";
    static final String BACKEND_DATA = PREFIX + "backend-data";
    static final String BACKEND_TYPE = PREFIX + "backend-type";
    static final String KUBE_SUBNET_MANAGER = PREFIX + "kube-subnet-manager";
    static final String PUBLIC_IP = PREFIX + "public-ip";
    static final String VTEP_MAC = "VtepMAC";

    private Flannel() {}
}
