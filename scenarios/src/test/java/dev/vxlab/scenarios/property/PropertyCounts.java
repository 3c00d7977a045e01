package dev.vxlab.scenarios.property;

import java.util.ArrayList;
import java.util.List;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * Collects each tier's counts line and prints them together once the test run ends:
 * {@code property counts: model tier: 5000 cases, 0 failures, ...; kernel tier: 96 schedules on 16 clusters, ...}.
 * Registered with the JUnit Platform through META-INF/services.
 */
public final class PropertyCounts implements TestExecutionListener {
    private static final List<String> LINES = new ArrayList<>();

    /** Prints the tier's line now and keeps it for the summary. */
    static synchronized void record(String tierLine) {
        System.out.println("property counts: " + tierLine);
        LINES.add(tierLine);
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        synchronized (PropertyCounts.class) {
            if (!LINES.isEmpty()) {
                System.out.println("property counts: " + String.join("; ", LINES));
                LINES.clear();
            }
        }
    }
}
