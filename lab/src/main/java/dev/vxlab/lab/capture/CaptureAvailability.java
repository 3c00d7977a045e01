package dev.vxlab.lab.capture;

/** Whether this machine can capture packets at all; when it cannot, one sentence says why, so callers can skip. */
public sealed interface CaptureAvailability {

    boolean isAvailable();

    record Available() implements CaptureAvailability {
        @Override
        public boolean isAvailable() {
            return true;
        }
    }

    record Unavailable(String reason) implements CaptureAvailability {
        @Override
        public boolean isAvailable() {
            return false;
        }
    }
}
