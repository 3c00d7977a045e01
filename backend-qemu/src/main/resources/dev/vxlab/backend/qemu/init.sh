#!/bin/sh
# PID 1 of a vxlab arm64 node (busybox ash): file systems, kernel modules, then the QEMU guest agent, through which
# the lab does everything else. Lines starting with VXLAB-INIT go to the serial console (kept in the report).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
bb=/bin/busybox
$bb mount -t proc proc /proc
$bb mount -t sysfs sysfs /sys
$bb mount -t devtmpfs devtmpfs /dev
$bb mount -t tmpfs -o mode=0755 tmpfs /run
$bb mount -t tmpfs tmpfs /tmp
# Real programs are in /usr/sbin already; --install (it needs /proc) adds busybox's links only where nothing is.
$bb --install -s
mkdir -p /run/netns /run/qga /var/tmp /dev/virtio-ports
up() { cut -d' ' -f1 /proc/uptime; }
echo "VXLAB-INIT t=$(up) $(uname -m) $(uname -r)"

KV=$(uname -r)
while read -r m; do
  [ -n "$m" ] && { insmod "/lib/modules/$KV/$m" || echo "VXLAB-INIT insmod $m failed"; }
done < /etc/vxlab/modules
for x in $(cat /proc/cmdline); do
  case "$x" in vxlab.node=*) hostname "${x#vxlab.node=}";; esac
done
ip link set lo up
echo "VXLAB-INIT t=$(up) modules loaded"

# No udev: name the agent's port as qemu-ga expects it.
for p in /sys/class/virtio-ports/*; do
  [ "$(cat "$p/name" 2>/dev/null)" = org.qemu.guest_agent.0 ] && ln -sf "/dev/${p##*/}" /dev/virtio-ports/org.qemu.guest_agent.0
done
(
  while :; do
    echo "VXLAB-INIT t=$(up) guest agent starting"
    qemu-ga -m virtio-serial -p /dev/virtio-ports/org.qemu.guest_agent.0 -t /run/qga
    sleep 1
  done
) &
# PID 1 reaps the processes whose parents ended before them.
while :; do wait; sleep 1; done
