#!/usr/bin/env bash
# The real peers the test suite talks to: Debian nginx with its njs module, the njs shell,
# chromium, prometheus (its promtool checks the metrics text), jq (docs/key-rotation.md's runbook, run by its test) and redis-server (the Redis revocation source). Installed when missing (as root; otherwise it says what to install).
exec bash "$(dirname "$0")/debian-deps.sh" test-deps nginx libnginx-mod-http-js njs chromium prometheus jq redis-server
