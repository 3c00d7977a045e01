#!/usr/bin/env bash
# How the samples in this directory were captured (iproute2 6.1.0, kernel 6.18): a flannel-shaped node namespace
# "node0" plus a "fabric" namespace holding the other end of its eth0. Run it ONLY inside the lab sandbox, which gives
# it private network namespaces and /run:   bin/vxlab-sandbox bash capture.sh OUTDIR
# The fabric sends three UDP packets to node0's address with a wrong destination MAC, so eth0 counts otherhost drops.
[ "${VXLAB_SANDBOX:-}" = 1 ] || { echo "capture.sh: run it inside bin/vxlab-sandbox, never on the host" >&2; exit 2; }
set -e
NS=node0
ip netns add $NS
ip netns add fabric
ip -n $NS link set lo up
ip -n $NS link add eth0 address 02:42:ac:1f:9f:13 type veth peer name node0-eth0 netns fabric address 02:42:ac:1f:9f:f0
ip -n $NS addr add 172.31.159.19/24 dev eth0
ip -n $NS link set eth0 up
ip -n fabric link set node0-eth0 up
ip -n $NS route add default via 172.31.159.254 dev eth0
ip -n $NS link add flannel.1 address b6:9b:ed:b0:37:74 type vxlan id 1 dstport 8472 nolearning local 172.31.159.19 dev eth0
ip -n $NS link set flannel.1 mtu 1450
ip -n $NS addr add 10.187.0.0/32 dev flannel.1
ip -n $NS link set flannel.1 up
ip -n $NS link add cni0 address 5e:4f:7c:2b:8a:01 type bridge
ip -n $NS addr add 10.187.0.1/24 dev cni0
ip -n $NS link set cni0 up
ip -n $NS link add veth3a5c1e07 address 8e:11:22:33:44:55 type veth peer name pod0-eth0 address 0a:58:0a:bb:00:05
ip -n $NS link set veth3a5c1e07 master cni0 up
ip -n $NS neigh replace 10.187.1.0 lladdr f2:d2:28:8e:4c:61 dev flannel.1 nud permanent
ip -n $NS neigh replace 10.187.2.0 lladdr 2a:f1:d4:d0:32:24 dev flannel.1 nud permanent
bridge -n $NS fdb append f2:d2:28:8e:4c:61 dev flannel.1 dst 172.31.159.20 self permanent
bridge -n $NS fdb append 2a:f1:d4:d0:32:24 dev flannel.1 dst 172.31.159.21 self permanent
ip -n $NS route replace 10.187.1.0/24 via 10.187.1.0 dev flannel.1 onlink
ip -n $NS route replace 10.187.2.0/24 via 10.187.2.0 dev flannel.1 onlink
ip -n $NS route add blackhole 10.99.0.0/16
ip -n $NS route add unreachable 10.98.0.0/16 metric 7
ip -n $NS route add 10.97.0.0/16 dev eth0 table 100 proto static metric 50
ip -n $NS neigh add 172.31.159.254 lladdr 02:42:ac:1f:9f:fe dev eth0 nud reachable
ip -n $NS neigh add 172.31.159.253 dev eth0 nud failed
ip -n $NS rule add to 10.244.2.0/24 table 100 prio 50
ip -n $NS rule add not from 10.1.0.0/16 iif eth9 oif lo fwmark 0x1/0x3 prohibit prio 60
ip -n $NS rule add blackhole prio 70 to 10.9.9.0/24
ip -n $NS rule add unreachable prio 71 to 10.9.8.0/24
ip -n $NS rule add table main suppress_prefixlength 0 prio 80
ip -n $NS rule add goto 32766 prio 90 tos 0x10
ip -n $NS rule add nop prio 91
ip -n $NS rule add from 10.187.0.5 lookup 1000 prio 92 ipproto udp dport 53
ip -n $NS rule add fwmark 0x20 lookup 7 prio 93
ip netns exec $NS sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth0.rp_filter=2 net.ipv4.conf.default.rp_filter=1
# otherhost drops on eth0: fabric sends to node0's IP with a wrong MAC
ip -n fabric addr add 172.31.159.250/24 dev node0-eth0
ip -n fabric neigh add 172.31.159.19 dev node0-eth0 lladdr 02:42:ac:1f:9f:99 nud permanent
for i in 1 2 3; do ip netns exec fabric bash -c 'echo x > /dev/udp/172.31.159.19/9'; done
D="${1:?usage: capture.sh OUTDIR}"; mkdir -p "$D"
ip -n $NS -V > $D/ip-version.txt
ip -n $NS -j -d -s -s link show > $D/link.json
ip -n $NS -j -N -4 addr show > $D/addr.json
ip -n $NS -j -4 addr show > $D/addr-names.json
ip -n $NS -j -N -4 -d route show table all > $D/route.json
ip -n $NS -j -4 -d route show table all > $D/route-names.json
ip -n $NS -j -4 route show table all > $D/route-plain.json
ip -n $NS -j -4 neigh show nud all > $D/neigh.json
bridge -n $NS -j fdb show > $D/fdb.json
ip -n $NS -j -4 netconf show > $D/netconf.json
ip -n $NS -j -N -4 rule show > $D/rule.json
ip -n $NS -j -4 rule show > $D/rule-names.json
ip netns del $NS; ip netns del fabric
