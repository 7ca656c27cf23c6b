#!/usr/bin/env bash
# Installs Debian packages the project drives (real peers for tests, load tools for the
# bench) when they are missing: scripts/debian-deps.sh PURPOSE PACKAGE…
# Needs root for apt-get; otherwise says what to install.
set -euo pipefail
purpose=$1
shift
need=()
for package in "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || need+=("$package")
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "$purpose: missing ${need[*]}; install them (sudo apt-get install -y ${need[*]}) and run again" >&2
  exit 1
fi
echo "$purpose: installing ${need[*]} with apt-get"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${need[@]}" >/dev/null
