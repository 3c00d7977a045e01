package dev.vxlab.lab.cli;

import picocli.CommandLine.Option;

/** The --lab option shared by commands that act on a persistent lab. */
final class LabOption {
    @Option(names = "--lab", paramLabel = "NAME", description = "Which lab (default: the only one that is up).")
    String name;
}
