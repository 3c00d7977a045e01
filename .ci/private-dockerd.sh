#!/usr/bin/env bash
# A private Docker engine for the containers backend's tests: start | stop | status.
#
# dockerd (Debian's docker.io) runs in a network namespace of its own (vxlab-dockerd) with its own data-root,
# exec-root, pidfile and socket under /var/lib/vxlab-dockerd, so it never touches this machine's network namespace,
# routes or firewall (iptables and the default bridge are off; user-defined networks' bridges live in its namespace).
# `start` prints `export DOCKER_HOST=unix://...` as its last line and is idempotent: eval "$(... start | tail -n 1)".
# Facts of this kind of machine (shared/recipes/private-dockerd):
#  - `ip netns exec` remounts /sys and hides /sys/fs/cgroup, so dockerd finds no cgroups: enter the namespace with
#    nsenter --net plus a private mount namespace where a fresh sysfs gets the real cgroup tree moved back on top;
#  - the capability bounding set lacks CAP_SYS_RESOURCE, so privileged containers fail ("unable to apply caps"):
#    an OCI runtime wrapper strips that one capability from each container's and exec's spec.
set -euo pipefail

NS=vxlab-dockerd
ROOT=/var/lib/vxlab-dockerd
SOCK=$ROOT/docker.sock
PIDFILE=$ROOT/dockerd.pid
LOG=$ROOT/dockerd.log
export DOCKER_HOST=unix://$SOCK

answers() { curl -sf --max-time 2 --unix-socket "$SOCK" http://engine/_ping >/dev/null 2>&1; }

running_pid() {
  local pid
  [ -s "$PIDFILE" ] || return 1
  pid=$(cat "$PIDFILE")
  [ -d "/proc/$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ] || return 1
  echo "$pid"
}

write_config() {
  local runc
  runc=$(command -v runc) || { echo "private-dockerd: no runc (apt-get install -y docker.io)" >&2; exit 2; }
  cat > "$ROOT/runc-dropcap" <<EOF
#!/bin/sh
# Strips CAP_SYS_RESOURCE (absent from this machine's bounding set) from a bundle (create) or a process spec (exec).
strip() {
  [ -f "\$1" ] && sed -i -e 's/"CAP_SYS_RESOURCE"[[:space:]]*,//g' -e 's/,[[:space:]]*"CAP_SYS_RESOURCE"//g' \\
                        -e 's/"CAP_SYS_RESOURCE"//g' "\$1"
}
prev=
for a in "\$@"; do
  case "\$prev" in --bundle|-b) strip "\$a/config.json" ;; --process|-p) strip "\$a" ;; esac
  case "\$a" in --bundle=*) strip "\${a#--bundle=}/config.json" ;; --process=*) strip "\${a#--process=}" ;; esac
  prev=\$a
done
exec $runc "\$@"
EOF
  chmod 755 "$ROOT/runc-dropcap"
  cat > "$ROOT/daemon.json" <<EOF
{
  "storage-driver": "overlay2",
  "exec-opts": ["native.cgroupdriver=cgroupfs"],
  "cgroup-parent": "/vxlab-dockerd",
  "iptables": false,
  "ip-forward": false,
  "ip-masq": false,
  "bridge": "none",
  "userland-proxy": false,
  "log-driver": "json-file",
  "features": {"buildkit": false},
  "runtimes": {"vxlab-runc": {"path": "$ROOT/runc-dropcap"}},
  "default-runtime": "vxlab-runc"
}
EOF
}

start() {
  if pid=$(running_pid) && answers; then
    echo "private-dockerd: already running (pid $pid)" >&2
    echo "export DOCKER_HOST=$DOCKER_HOST"
    return
  fi
  command -v dockerd >/dev/null || { echo "private-dockerd: no dockerd (apt-get install -y docker.io)" >&2; exit 2; }
  mkdir -p "$ROOT/exec" "$ROOT/data" "$ROOT/cgroup-move"
  rm -f "$SOCK" "$PIDFILE"
  write_config
  [ -e "/run/netns/$NS" ] || ip netns add "$NS"
  ip -n "$NS" link set lo up
  local t0=$SECONDS
  # A fresh sysfs for the namespace's own interfaces, with the host's cgroup tree moved back on top of it.
  setsid nsenter --net="/run/netns/$NS" -- unshare --mount --propagation slave -- sh -c '
    set -e
    mount --rbind /sys/fs/cgroup "$1/cgroup-move"
    mount -t sysfs sysfs /sys
    mount --move "$1/cgroup-move" /sys/fs/cgroup
    exec dockerd --config-file "$1/daemon.json" --host "unix://$1/docker.sock" --data-root "$1/data" \
      --exec-root "$1/exec" --pidfile "$1/dockerd.pid"
  ' sh "$ROOT" </dev/null >>"$LOG" 2>&1 &
  for _ in $(seq 1 240); do
    if answers; then
      echo "private-dockerd: up in $((SECONDS - t0)) s, pid $(cat "$PIDFILE"), log $LOG" >&2
      echo "export DOCKER_HOST=$DOCKER_HOST"
      return
    fi
    sleep 0.25
  done
  echo "private-dockerd: dockerd did not answer within 60 s; see $LOG" >&2
  tail -n 20 "$LOG" >&2 || true
  exit 1
}

stop() {
  local pid children
  if pid=$(running_pid); then
    # Its containerd (a child) and the containers' shims (they name this engine's exec-root) are ended by PID.
    children=$(ps -o pid= --ppid "$pid" 2>/dev/null || true)
    kill -TERM "$pid"
    for _ in $(seq 1 120); do [ -d "/proc/$pid" ] || break; sleep 0.25; done
    [ -d "/proc/$pid" ] && kill -KILL "$pid"
    for child in $children; do [ -d "/proc/$child" ] && kill -TERM "$child" 2>/dev/null || true; done
    echo "private-dockerd: stopped dockerd $pid" >&2
  else
    echo "private-dockerd: not running" >&2
  fi
  for p in $(ps -eo pid=,args= | awk -v root="$ROOT/exec/" 'index($0, "containerd-shim") && index($0, root) {print $1}'); do
    kill -KILL "$p" 2>/dev/null || true
  done
  rm -f "$SOCK" "$PIDFILE"
  if [ -e "/run/netns/$NS" ]; then ip netns del "$NS"; fi
  rmdir /sys/fs/cgroup/*/vxlab-dockerd 2>/dev/null || true
}

status() {
  if pid=$(running_pid) && answers; then
    echo "private-dockerd: running (pid $pid), DOCKER_HOST=$DOCKER_HOST"
  else
    echo "private-dockerd: not running"
    exit 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
