#!/bin/sh
# modprobe inside a confined lab node: log the request and load nothing (the host's kernel is not the node's to change).
echo "modprobe $*" >> /run/vxlab-modprobe.log
exit 0
