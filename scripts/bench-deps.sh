#!/usr/bin/env bash
# Installs what `npm run bench` drives besides Node (Debian wrk and nginx) when missing.
# Needs root for apt-get; otherwise says what to install.
set -euo pipefail
need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "bench-deps: missing ${need[*]}; install them (sudo apt-get install -y ${need[*]}) and run npm run bench again" >&2
  exit 1
fi
echo "bench-deps: installing ${need[*]} with apt-get"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${need[@]}" >/dev/null
