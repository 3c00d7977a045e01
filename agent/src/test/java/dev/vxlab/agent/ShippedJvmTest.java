package dev.vxlab.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped flags are found in the checkout's own files (which flags they are is docs/agent.md's business). */
class ShippedJvmTest {
    @TempDir
    Path dir;

    @Test
    void theCheckoutsEntryPointAndDaemonSetGiveTheFlags() throws Exception {
        ShippedJvm jvm = ShippedJvm.read(Path.of(System.getProperty("vxlab.home", "..")));
        assertThat(jvm.entryPoint()).contains("--enable-native-access=ALL-UNNAMED").doesNotContain("-cp")
                .allSatisfy(flag -> assertThat(flag).startsWith("-"));
        assertThat(jvm.javaToolOptions()).isNotBlank();
        assertThat(jvm.commandLine()).startsWith(jvm.entryPoint().toArray(String[]::new))
                .allSatisfy(flag -> assertThat(flag).startsWith("-"));
    }

    @Test
    void aDaemonSetWithoutTheVariableIsNamed() throws Exception {
        Path ds = dir.resolve("ds.yaml");
        Files.writeString(ds, """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: a}
                spec:
                  template:
                    spec:
                      containers:
                      - name: agent
                        env: [{name: NODE_NAME, value: x}]
                """);
        assertThatThrownBy(() -> ShippedJvm.javaToolOptions(ds)).hasMessageContaining("no JAVA_TOOL_OPTIONS");
    }
}
