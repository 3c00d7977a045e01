package dev.vxlab.scenarios.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.lab.sandbox.Sandbox;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The whole-file example of docs/scenarios.md is a valid scenario, so the page cannot drift from the parser. */
class DocsExampleTest {

    @Test
    void theDocumentedExampleParses() throws Exception {
        String page = Files.readString(Sandbox.home().resolve("docs/scenarios.md"));
        Matcher block = Pattern.compile("(?s)```yaml\\n(# Incident class:.*?)```").matcher(page);
        assertThat(block.find()).as("docs/scenarios.md has a whole-file example").isTrue();
        Scenario example = ScenarioParser.parse(block.group(1), "docs/scenarios.md", "example");
        assertThat(example.steps()).extracting(ScenarioStep::kind)
                .contains("expect-healthy", "capture", "inject", "probe", "doctor", "fix");
    }
}
