package dev.vxlab.detectors.spi;

import java.util.Locale;

/**
 * How bad a finding is, worst first (the order {@link Diagnosis} sorts by).
 *
 * <ul>
 *   <li>{@link #CRITICAL}: traffic that flannel programmed to flow does not flow now.</li>
 *   <li>{@link #WARNING}: some traffic fails now (large packets, a symptom counter that rises).</li>
 *   <li>{@link #RISK}: nothing fails yet, but a known trigger is armed (NetworkManager owns flannel's devices).</li>
 *   <li>{@link #INFO}: evidence that another finding already explains.</li>
 * </ul>
 */
public enum Severity {
    CRITICAL, WARNING, RISK, INFO;

    /** The lower-case name used in JSON and reports. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a node with such a finding is not healthy: CRITICAL and WARNING findings make it so. */
    public boolean impairsTraffic() {
        return this == CRITICAL || this == WARNING;
    }
}
