package dev.vxlab.scenarios.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A {@code dev.vxlab.lab.Lab} the test gets ready-made: a flannel-VXLAN cluster on the named backend with its pods
 * serving, healthy. On a static field it is built once before all tests of the class and removed after them; on an
 * instance field or a test method parameter it is built for each test and removed after it (like Testcontainers'
 * {@code @Container}). The test JVM must run inside the vxlab sandbox (see docs/scenarios.md).
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface VxLab {

    /** Number of nodes, 2 to 256 ({@code ClusterSpec.MAX_NODES}). */
    int nodes() default 3;

    /** The backend by name, as {@code --backend} takes it ({@code lab.backend.Backends}). */
    String backend() default "netns";

    /**
     * Whether the lab may use the backend's fast path into node namespaces; false drives every node through its
     * remote only, as {@code --no-fast-path} does.
     */
    boolean fastPath() default true;

    /** A named profile ("field": the field report's addresses); ignored when {@link #podNetwork()} is given. */
    String profile() default "field";

    /** An address plan's pod network (e.g. "10.244.0.0/16"), with every other setting at its default. */
    String podNetwork() default "";
}
