package dev.vxlab.lab.cli;

import dev.vxlab.lab.Lab;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.flannel.FlannelControl.RestartResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "restart-flanneld", description = "Do what restarting flanneld on a node does (re-read the MAC, "
        + "re-publish, re-program every peer).")
final class RestartFlanneldCommand extends InLabCommand {
    @Parameters(index = "0", paramLabel = "NODE", description = "Node name, IP or index.")
    String node;

    @Override
    int act(Lab lab) throws LabException {
        RestartResult result = lab.restartFlanneld(node);
        System.out.println("flanneld restarted on " + result.node() + ": VtepMAC " + result.previousVtepMac() + " -> "
                + result.vtepMac());
        result.commands().forEach(c -> System.out.println("  $ " + c));
        return Main.OK;
    }
}
