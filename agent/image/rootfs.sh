#!/usr/bin/env bash
# Builds the agent image's base layer without a registry or a Docker daemon: a JRE made by jlink from the build's own
# JDK (JDK 25 links from its runtime image, no jmods needed) and the glibc libraries it loads, copied from this
# machine, under DIR. Jib adds DIR to a "scratch" image as extra directories (agent/pom.xml, profile "image").
# Usage: rootfs.sh JAVA_HOME DIR
set -euo pipefail
jdk="$1"
out="$2"
rm -rf "$out"
mkdir -p "$out/opt" "$out/tmp"
# What the agent loads: java.net.http (fabric8's JDK client), java.naming (DNS in the TLS stack), java.management and
# java.sql/xml (referenced by Jackson and fabric8), jdk.crypto.ec (TLS to the API server). jdk.httpserver served
# /metrics until the agent's own server (QuietHttpServer) replaced it; it stays until an image without it is tested.
"$jdk/bin/jlink" --add-modules java.base,java.net.http,jdk.httpserver,java.logging,java.naming,java.management,java.sql,java.xml,jdk.crypto.ec,jdk.unsupported \
  --strip-debug --no-header-files --no-man-pages --output "$out/opt/jre"
# Every shared library the JRE's binaries and libraries need, at the path the dynamic loader looks for it.
libs="$( { find "$out/opt/jre" -type f \( -name '*.so' -o -perm -u+x \) -print0 | xargs -0 ldd 2>/dev/null || true; } \
  | awk '/=> \// {print $3} /^\t\/lib64\// {print $1}' | grep -v "^$out" | sort -u)"
for lib in $libs; do
  real="$(readlink -f "$lib")"
  mkdir -p "$out$(dirname "$lib")"
  cp "$real" "$out$lib"
done
# glibc's resolver configuration files default sensibly without /etc; a passwd entry names root for the JVM.
mkdir -p "$out/etc"
printf 'root:x:0:0:root:/:/sbin/nologin\n' > "$out/etc/passwd"
printf 'hosts: files dns\n' > "$out/etc/nsswitch.conf"
echo "rootfs: $(du -sh "$out" | cut -f1) in $out ($(echo "$libs" | wc -w) libraries)"
