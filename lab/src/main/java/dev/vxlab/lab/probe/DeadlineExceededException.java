package dev.vxlab.lab.probe;

import java.io.IOException;

/** A wait reached the probe's deadline; the runner decides whether that is a TIMEOUT or a SHORT_BODY. */
final class DeadlineExceededException extends IOException {
    DeadlineExceededException() {
        super("deadline passed");
    }
}
