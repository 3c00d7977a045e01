package dev.vxlab.lab.cli;

import java.util.List;

/**
 * A module above lab that adds commands to {@code vxlab} (found with {@link java.util.ServiceLoader}, registered in
 * {@code META-INF/services/dev.vxlab.lab.cli.CommandPlugin}). Main cannot see those modules, so they plug in here.
 */
public interface CommandPlugin {

    /** picocli command objects (each annotated with {@code @Command}), added as subcommands of vxlab. */
    List<Object> commands();
}
