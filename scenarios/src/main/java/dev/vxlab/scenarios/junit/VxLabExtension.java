package dev.vxlab.scenarios.junit;

import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.lab.Lab;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.backend.Backends;
import dev.vxlab.lab.backend.LabOptions;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.scenarios.file.ClusterPlans;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts the labs {@link VxLab} asks for and removes them, namespaces and run directory, when their scope ends.
 * Each lab is an AutoCloseable value in the JUnit store of its scope (the class for static fields, the test for
 * instance fields and parameters), so JUnit closes it even when the test or a later lab's start fails.
 */
public final class VxLabExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(VxLabExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        for (Field field : labFields(context.getRequiredTestClass(), true)) {
            set(field, null, start(field.getAnnotation(VxLab.class), context, field.getName()));
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Object instance = context.getRequiredTestInstance();
        for (Field field : labFields(context.getRequiredTestClass(), false)) {
            set(field, instance, start(field.getAnnotation(VxLab.class), context, field.getName()));
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.isAnnotated(VxLab.class) && parameter.getParameter().getType() == Lab.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        VxLab settings = parameter.findAnnotation(VxLab.class).orElseThrow(
                () -> new ParameterResolutionException("no @VxLab on " + parameter.getParameter()));
        return start(settings, context, parameter.getParameter().getName());
    }

    private static Stream<Field> fieldsOf(Class<?> type) {
        return type == null || type == Object.class ? Stream.empty()
                : Stream.concat(Stream.of(type.getDeclaredFields()), fieldsOf(type.getSuperclass()));
    }

    private static List<Field> labFields(Class<?> testClass, boolean statics) {
        List<Field> fields = fieldsOf(testClass).filter(f -> f.isAnnotationPresent(VxLab.class))
                .filter(f -> Modifier.isStatic(f.getModifiers()) == statics).toList();
        for (Field f : fields) {
            if (f.getType() != Lab.class) {
                throw new ExtensionConfigurationException("@VxLab field " + f.getName() + " must be of type "
                        + Lab.class.getName() + ", not " + f.getType().getName());
            }
        }
        return fields;
    }

    private static void set(Field field, Object instance, Lab lab) {
        try {
            field.setAccessible(true);
            field.set(instance, lab);
        } catch (IllegalAccessException e) {
            throw new ExtensionConfigurationException("cannot set @VxLab field " + field.getName(), e);
        }
    }

    private static Lab start(VxLab settings, ExtensionContext context, String what) {
        ClusterSpec spec;
        try {
            spec = settings.podNetwork().isBlank() ? ClusterPlans.profile(settings.profile(), settings.nodes())
                    : ClusterPlans.plan(settings.nodes(), Ipv4Prefix.parse(settings.podNetwork()));
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("@VxLab " + what + ": " + e.getMessage(), e);
        }
        Path directory;
        try {
            directory = Files.createTempDirectory("vxlab-junit-");
        } catch (IOException e) {
            throw new ExtensionConfigurationException("@VxLab " + what + ": cannot create a run directory", e);
        }
        try {
            Lab lab = Lab.start(Backends.byName(settings.backend()), spec, LabRun.random(directory),
                    new LabOptions(settings.fastPath()));
            context.getStore(NAMESPACE).put(new Object(), new Running(lab, directory));
            return lab;
        } catch (LabException e) {
            deleteTree(directory);
            throw new ExtensionConfigurationException("@VxLab " + what + ": " + e.getMessage()
                    + " (the test JVM must run inside bin/vxlab-sandbox, e.g. Surefire's <jvm> set to "
                    + "bin/sandbox-jvm/bin/java)", e);
        }
    }

    /** A lab and its run directory, removed together when JUnit closes the scope's store. */
    private record Running(Lab lab, Path directory) implements AutoCloseable {
        @Override
        public void close() {
            try {
                lab.close();
            } finally {
                deleteTree(directory);
            }
        }
    }

    private static void deleteTree(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the lab's run directory " + directory, e);
        }
    }
}
