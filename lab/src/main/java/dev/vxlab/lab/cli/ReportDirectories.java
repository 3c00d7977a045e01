package dev.vxlab.lab.cli;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** Where a run writes its report when --report is not given (public for the commands other modules plug in). */
public final class ReportDirectories {
    private ReportDirectories() {}

    /** {@code vxlab-reports/<name>-<date-time>} (or just the date-time), absolute. */
    public static Path defaultFor(String name, Path given) {
        if (given != null) {
            return given.toAbsolutePath();
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return Path.of("vxlab-reports", name == null ? stamp : name + "-" + stamp).toAbsolutePath();
    }
}
