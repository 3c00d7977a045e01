package dev.vxlab.lab;

import dev.vxlab.detectors.action.ActionException;
import dev.vxlab.detectors.action.NodeHandle;
import dev.vxlab.detectors.remote.Remote;
import java.util.List;

/** A lab node as the actuator reaches it: its backend's remote, and the lab's emulated flanneld for a restart. */
record LabNode(Lab lab, String name, Remote remote) implements NodeHandle {

    @Override
    public List<String> restartFlanneld() throws ActionException {
        try {
            return lab.restartFlanneld(name).commands();
        } catch (LabException e) {
            throw new ActionException("restarting flanneld on node " + name + " failed: " + e.getMessage(), e);
        }
    }
}
