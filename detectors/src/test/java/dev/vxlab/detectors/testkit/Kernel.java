package dev.vxlab.detectors.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test that needs the real kernel inside the test sandbox (it creates network namespaces, links, netlink sockets):
 * {@code ./vxlab test} runs it; {@code ./mvnw test -Dvxlab.unit} (no sandbox) leaves it out by its tag.
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Tag(Kernel.TAG)
public @interface Kernel {
    String TAG = "kernel";
}
