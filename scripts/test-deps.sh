#!/usr/bin/env bash
# Installs the real peers the test suite talks to (Debian nginx with its njs
# module, the njs shell, and chromium) when they are missing. Needs root for
# apt-get; otherwise says what to install.
set -euo pipefail
need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v njs >/dev/null 2>&1 || need+=(njs)
[ -f /usr/lib/nginx/modules/ngx_http_js_module.so ] || need+=(libnginx-mod-http-js)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "test-deps: missing ${need[*]}; install them (sudo apt-get install -y ${need[*]}) and run npm test again" >&2
  exit 1
fi
echo "test-deps: installing ${need[*]} with apt-get"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${need[@]}" >/dev/null
