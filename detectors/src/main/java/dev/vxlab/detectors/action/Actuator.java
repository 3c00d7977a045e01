package dev.vxlab.detectors.action;

import dev.vxlab.detectors.remote.CommandFailedException;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.RemoteException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Applies node actions to a node, in order, stopping at the first that fails. The one place that knows how each
 * kind of action is done: commands and files through the node's remote (runs of commands in one
 * {@link dev.vxlab.detectors.remote.Remote#runAll} so a remote can batch them), flanneld through the node's handle.
 */
public final class Actuator {
    /** Pauses between two checks of a {@link NodeAction.WaitUntil}; a test passes one that only advances its clock. */
    public interface Pause {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final LongSupplier nanoClock;
    private final Pause pause;

    public Actuator() {
        this(System::nanoTime, d -> Thread.sleep(d));
    }

    public Actuator(LongSupplier nanoClock, Pause pause) {
        this.nanoClock = nanoClock;
        this.pause = pause;
    }

    /** Applies the actions on the node; returns each as typed there. Throws with the failing action and why (the caller names the node). */
    public List<Applied> apply(NodeHandle node, List<NodeAction> actions) throws ActionException {
        List<Applied> done = new ArrayList<>();
        List<NodeAction.Run> commands = new ArrayList<>();
        for (NodeAction action : actions) {
            if (action instanceof NodeAction.Run run) {
                commands.add(run);
                continue;
            }
            done.addAll(runAll(node, commands));
            commands.clear();
            switch (action) {
                case NodeAction.Run run -> throw new IllegalStateException("collected above: " + run);
                case NodeAction.RestartFlanneld restart -> node.restartFlanneld();
                case NodeAction.WriteFile write -> write(node, write);
                case NodeAction.WaitUntil wait -> waitUntil(node, wait);
            }
            done.add(new Applied(node.name(), action, action.render(node.name())));
        }
        done.addAll(runAll(node, commands));
        return done;
    }

    private static List<Applied> runAll(NodeHandle node, List<NodeAction.Run> commands) throws ActionException {
        if (commands.isEmpty()) {
            return List.of();
        }
        try {
            node.remote().runAll(commands.stream().map(NodeAction.Run::argv).toList());
        } catch (CommandFailedException e) {
            throw new ActionException(e.getMessage(), e);
        }
        return commands.stream().map(c -> new Applied(node.name(), c, c.render(node.name()))).toList();
    }

    private static void write(NodeHandle node, NodeAction.WriteFile write) throws ActionException {
        try {
            node.remote().put(node.filePath(write.path()), write.content());
        } catch (RemoteException e) {
            throw new ActionException("cannot write " + write.path() + ": " + e.getMessage(), e);
        }
    }

    private void waitUntil(NodeHandle node, NodeAction.WaitUntil wait) throws ActionException {
        long deadline = nanoClock.getAsLong() + wait.timeout().toNanos();
        while (true) {
            long left = deadline - nanoClock.getAsLong();
            CommandResult result = node.remote().run(wait.check(), Duration.ofNanos(Math.max(left, Duration.ofSeconds(1).toNanos())));
            if (result.ok()) {
                return;
            }
            if (nanoClock.getAsLong() - deadline >= 0) {
                throw new ActionException("'" + result.commandLine() + "' did not succeed within " + wait.timeout().toMillis() + " ms (last: "
                        + RealNode.firstLine(result.stderr().isBlank() ? "exit " + result.exitCode() : result.stderr())
                        + ")");
            }
            try {
                pause.sleep(NodeAction.WaitUntil.INTERVAL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ActionException("interrupted while waiting for '" + result.commandLine() + "'", e);
            }
        }
    }
}
