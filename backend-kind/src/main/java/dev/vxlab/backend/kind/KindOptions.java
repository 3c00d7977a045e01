package dev.vxlab.backend.kind;

import java.util.Map;

/**
 * What the kind backend builds with, from the environment so a user changes an image without a rebuild:
 * <ul>
 * <li>{@code VXLAB_KIND_NODE_IMAGE}: the kindest/node image (default: kind's own default, no --image);</li>
 * <li>{@code VXLAB_KIND_ARCH=arm64}: arm64 nodes (the node image must be an arm64 one, run under binfmt/qemu-user or
 *     on an arm64 host); the dataplane is still this host's kernel;</li>
 * <li>{@code VXLAB_FLANNEL_IMAGE} / {@code VXLAB_FLANNEL_VERSION}: flanneld's image and tag;</li>
 * <li>{@code VXLAB_FLANNEL_CNI_IMAGE}: the image holding flannel's CNI plugin;</li>
 * <li>{@code VXLAB_CNI_PLUGINS_VERSION} / {@code VXLAB_CNI_PLUGINS_URL}: the containernetworking plugins release
 *     (bridge, portmap, host-local) the init container installs;</li>
 * <li>{@code VXLAB_CNI_INSTALLER_IMAGE}: the image of that init container (its wget must speak HTTPS: alpine's does);</li>
 * <li>{@code VXLAB_KIND_TOOLS_IMAGE}: the image of the HTTP pods (busybox httpd);</li>
 * <li>{@code VXLAB_KIND_WAIT}: kind create's {@code --wait} (default 0s: with kind's CNI off no node is Ready before flannel
 *     runs, so kind would only wait out its timeout; the backend waits for Ready itself once flannel is in).</li>
 * </ul>
 */
record KindOptions(String nodeImage, String arch, String flannelImage, String flannelVersion, String flannelCniImage,
        String cniPluginsVersion, String cniPluginsUrl, String installerImage, String toolsImage, String kindWait) {

    static final String FLANNEL_IMAGE = "ghcr.io/flannel-io/flannel";
    static final String FLANNEL_VERSION = "v0.26.7";
    static final String FLANNEL_CNI_IMAGE = "ghcr.io/flannel-io/flannel-cni-plugin:v1.6.2-flannel1";
    static final String CNI_PLUGINS_VERSION = "v1.6.2";
    static final String TOOLS_IMAGE = "busybox:1.36";
    static final String INSTALLER_IMAGE = "alpine:3.21";

    KindOptions {
        if (!arch.equals("amd64") && !arch.equals("arm64")) {
            throw new IllegalArgumentException("VXLAB_KIND_ARCH is amd64 or arm64, not '" + arch + "'");
        }
        if (!kindWait.matches("[0-9]+[smh]")) {
            throw new IllegalArgumentException("VXLAB_KIND_WAIT is a duration like 300s or 5m, not '" + kindWait + "'");
        }
    }

    static KindOptions fromEnvironment() {
        return from(System.getenv());
    }

    static KindOptions from(Map<String, String> env) {
        String arch = env.getOrDefault("VXLAB_KIND_ARCH", hostArch());
        String plugins = env.getOrDefault("VXLAB_CNI_PLUGINS_VERSION", CNI_PLUGINS_VERSION);
        if (!arch.equals(hostArch()) && env.getOrDefault("VXLAB_KIND_NODE_IMAGE", "").isEmpty()) {
            // kindest/node images are multi-arch: by tag, Docker pulls this host's variant.
            throw new IllegalArgumentException("VXLAB_KIND_ARCH=" + arch + " on an " + hostArch() + " host needs "
                    + "VXLAB_KIND_NODE_IMAGE set to a " + arch + " node image by its " + arch + " digest");
        }
        return new KindOptions(env.getOrDefault("VXLAB_KIND_NODE_IMAGE", ""), arch,
                env.getOrDefault("VXLAB_FLANNEL_IMAGE", FLANNEL_IMAGE),
                env.getOrDefault("VXLAB_FLANNEL_VERSION", FLANNEL_VERSION),
                env.getOrDefault("VXLAB_FLANNEL_CNI_IMAGE", FLANNEL_CNI_IMAGE), plugins,
                env.getOrDefault("VXLAB_CNI_PLUGINS_URL", pluginsUrl(plugins, arch)),
                env.getOrDefault("VXLAB_CNI_INSTALLER_IMAGE", INSTALLER_IMAGE),
                env.getOrDefault("VXLAB_KIND_TOOLS_IMAGE", TOOLS_IMAGE), env.getOrDefault("VXLAB_KIND_WAIT", "0s"));
    }

    /** The containernetworking/plugins release tarball for this version and architecture. */
    static String pluginsUrl(String version, String arch) {
        return "https://github.com/containernetworking/plugins/releases/download/" + version + "/cni-plugins-linux-"
                + arch + "-" + version + ".tgz";
    }

    static String hostArch() {
        return System.getProperty("os.arch").equals("aarch64") ? "arm64" : "amd64";
    }

    /** What {@code uname -m} prints on nodes of this architecture. */
    String unameMachine() {
        return arch.equals("arm64") ? "aarch64" : "x86_64";
    }

    String flannel() {
        return flannelImage + ":" + flannelVersion;
    }
}
