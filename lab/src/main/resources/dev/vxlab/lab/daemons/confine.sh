#!/bin/sh
# Runs one program of a lab node's daemons (dbus-daemon, NetworkManager, firewalld, nmcli, firewall-cmd, nft) confined:
# already in the node's network namespace, and started under `unshare --mount --uts --propagation private`, so every
# mount below lands in a mount namespace of its own and vanishes with the program. Every program of the node gets the
# same bind mounts, so they share one private /run (and with it one private system bus) and one set of config files.
#
# Usage: confine.sh STATE_DIR NM_ETC FW_ETC HOSTNAME NODE_NETNS_ID OUTER_NETNS_ID OUTER_MNTNS_ID PROGRAM [ARG...]
# STATE_DIR holds run/, nm-state/, fw-state/, log/, resolv.conf and kmod (a stub for modprobe); NM_ETC and FW_ETC
# are the node's own /etc/NetworkManager and /etc/firewalld (where the doctor reads and fixes write).
# The ids are readlink(/proc/self/ns/...) values read outside: the node's netns, and the launcher's own namespaces.
set -eu
state=$1 nm_etc=$2 fw_etc=$3 host=$4 node_net=$5 outer_net=$6 outer_mnt=$7
shift 7

refuse() { echo "vxlab-confine: refusing to start $1: $2" >&2; exit 97; }

# Private propagation was asked of unshare; make sure nothing mounted here can reach the launcher's mount namespace.
mount --make-rprivate /
mount --bind "$state/run" /run
mount --bind "$state/nm-state" /var/lib/NetworkManager
mount --bind "$nm_etc" /etc/NetworkManager
mount --bind "$fw_etc" /etc/firewalld
# firewalld 1.3 keeps nothing in /var/lib/firewalld and its package does not create it: bind it only where it exists.
[ ! -d /var/lib/firewalld ] || mount --bind "$state/fw-state" /var/lib/firewalld
mount --bind "$state/log" /var/log
mount --bind "$state/resolv.conf" /etc/resolv.conf
# firewalld loads kernel modules through modprobe: the stub logs the request and loads nothing.
# Without kmod installed there is no modprobe to cover (and none to load anything with).
modprobe=$(command -v modprobe || true)
[ -z "$modprobe" ] || mount --bind "$state/kmod" "$(readlink -f "$modprobe")"
# udev's net_setup_link (udevadm test-builtin, docs/networkmanager.md) reads .link files from /etc/systemd/network and
# derives "persistent" MACs from /etc/machine-id: the node's own, next to its /etc/NetworkManager. On a node whose
# files are its own (a VM), these are the same paths and the binds change nothing.
node_etc=$(dirname "$nm_etc")
[ ! -d "$node_etc/systemd/network" ] || [ ! -d /etc/systemd/network ] || mount --bind "$node_etc/systemd/network" /etc/systemd/network
[ ! -f "$node_etc/machine-id" ] || [ ! -f /etc/machine-id ] || mount --bind "$node_etc/machine-id" /etc/machine-id
# NetworkManager waits for udev forever where /sys is writable and no udev runs; read-only /sys tells it so.
mount -o remount,bind,ro /sys 2>/dev/null || mount -t sysfs -o ro sysfs /sys
hostname "$host"

# Preflight: the node's network namespace, not the launcher's; a mount namespace of our own; /run is the private one.
net=$(readlink /proc/self/ns/net)
mnt=$(readlink /proc/self/ns/mnt)
[ "$net" = "$node_net" ] || refuse "$1" "network namespace $net is not the node's ($node_net)"
[ "$net" != "$outer_net" ] || refuse "$1" "it would share the launcher's network namespace $net"
[ "$mnt" != "$outer_mnt" ] || refuse "$1" "it would share the launcher's mount namespace $mnt"
[ "$(stat -c %d:%i /run)" = "$(stat -c %d:%i "$state/run")" ] || refuse "$1" "/run is not the node's private /run"
if [ -e /run/dbus/system_bus_socket ] && [ "$(basename "$1")" != dbus-daemon ]; then
  [ "$(stat -c %d:%i /run/dbus/system_bus_socket)" = "$(stat -c %d:%i "$state/run/dbus/system_bus_socket")" ] ||
    refuse "$1" "the system bus socket is not the node's private one"
fi
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=/run/dbus/system_bus_socket
exec "$@"
