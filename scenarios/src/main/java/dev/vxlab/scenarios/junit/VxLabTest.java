package dev.vxlab.scenarios.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a JUnit 5 test class whose {@link VxLab}-annotated {@code Lab} fields (and parameters) the
 * {@link VxLabExtension} fills with running clusters, like Testcontainers' {@code @Testcontainers}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(VxLabExtension.class)
public @interface VxLabTest {}
